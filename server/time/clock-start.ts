/**
 * GONGZHI_CLOCK_START (API.md, environment): with the controlled clock, its first instant on a new store; a store that
 * already has a clock resumes it. Refused (with the reason) when it is not an ISO 8601 instant, or is set without
 * GONGZHI_CONTROLLED_CLOCK=1.
 */
import type { I18n } from '../../engine';

export function clockStartOption(env: Record<string, string | undefined>): { now?: string } | { error: I18n } {
  const raw = env.GONGZHI_CLOCK_START;
  if (!raw) return {};
  if (env.GONGZHI_CONTROLLED_CLOCK !== '1') {
    return {
      error: {
        'zh-CN': 'GONGZHI_CLOCK_START 仅在 GONGZHI_CONTROLLED_CLOCK=1 时可用',
        en: 'GONGZHI_CLOCK_START needs GONGZHI_CONTROLLED_CLOCK=1',
      },
    };
  }
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw) ||
    Number.isNaN(Date.parse(raw))
  ) {
    return {
      error: {
        'zh-CN': `GONGZHI_CLOCK_START 应为带时区的 ISO 8601 时刻(如 2026-11-30T09:00:00+08:00):${raw}`,
        en: `GONGZHI_CLOCK_START must be an ISO 8601 instant with its offset (e.g. 2026-11-30T09:00:00+08:00): ${raw}`,
      },
    };
  }
  return { now: raw };
}
