/**
 * `gongzhi migrate`: running cases of a procedure (or one case) moved to a newer published version through the
 * server. A dry run unless `--run`: every selected case with what would change. Exit 1 when a case is refused.
 */
import type { ProblemDetail } from '../../../engine';
import type { Command, Out } from '../command';
import { http } from '../http';

interface MigratedCase {
  id: string;
  fromVersion: number;
  toVersion: number;
  state: { from: string; to: string };
  moved: boolean;
  deadlines: { name: string; change: string; from?: string; to?: string }[];
  problems: ProblemDetail[];
}

function printMigrated(c: MigratedCase, out: Out) {
  const mark = c.problems.length ? '✗' : c.moved ? '✓' : '·';
  out(
    `  ${mark} ${c.id}: 版本 version ${c.fromVersion} → ${c.toVersion} · 状态 state ${c.state.from} → ${c.state.to}${c.moved ? ' · 已迁移 moved' : ''}`,
  );
  for (const d of c.deadlines) {
    const day = (x?: string) => (x ? x.slice(0, 10) : '—');
    out(`      期限 deadline ${d.name}: ${d.change} ${day(d.from)} → ${day(d.to)}`);
  }
  for (const p of c.problems)
    out(`      ✗ [${p.code ?? 'PROBLEM'}] ${p.path}: ${p.message['zh-CN']} / ${p.message.en}`);
}

export const migrate: Command = {
  name: 'migrate',
  usage: [
    '  gongzhi migrate <pack> <procedure> [--to N] [--from N] [--state s] [--map a=b,c=d] [--run]',
    '                                       迁移运行中的案件(默认只预演)/ move running cases to a version (a dry run unless --run)',
    '  gongzhi migrate --instance <id> [--to N] [--map a=b] [--run]   迁移一个案件 / one case',
  ].join('\n'),
  async run({ positionals: pos, options: opt, server, token, out, usage }) {
    const stateMap =
      typeof opt.map === 'string'
        ? Object.fromEntries(opt.map.split(',').map((x) => x.split('=').map((y) => y.trim())))
        : undefined;
    if (stateMap && Object.entries(stateMap).some(([k, v]) => !k || !v)) {
      out('✗ --map 应为 from=to,from=to / --map must be from=to,from=to');
      return 2;
    }
    const run = opt.run === true;
    const to = typeof opt.to === 'string' ? Number(opt.to) : undefined;
    const base = { ...(to ? { toVersion: to } : {}), ...(stateMap ? { stateMap } : {}), dryRun: !run };
    if (typeof opt.instance === 'string') {
      const r = await http(
        'POST',
        `${server}/api/instances/${encodeURIComponent(opt.instance)}/migrate`,
        token,
        base,
        out,
      );
      if (!r) return 1;
      if (r.status === 409) {
        const e = (r.json as { error: { message: { 'zh-CN': string; en: string }; details: ProblemDetail[] } }).error;
        out(`✗ 不能迁移 / cannot migrate: ${e.message['zh-CN']} / ${e.message.en}`);
        for (const p of e.details ?? [])
          out(`    ✗ [${p.code ?? 'PROBLEM'}] ${p.path}: ${p.message['zh-CN']} / ${p.message.en}`);
        return 1;
      }
      if (r.status !== 200) {
        out(`✗ 迁移失败 / migrate failed: HTTP ${r.status} ${JSON.stringify(r.json)}`);
        return 1;
      }
      out(run ? '迁移 / migrated:' : '预演 / dry run (加 --run 执行 / add --run to move):');
      printMigrated(r.json as MigratedCase, out);
      return 0;
    }
    const [pack, proc] = pos;
    if (!pack || !proc) {
      out(usage);
      return 2;
    }
    const body = {
      ...base,
      ...(typeof opt.from === 'string' ? { fromVersions: opt.from.split(',').map(Number) } : {}),
      ...(typeof opt.state === 'string' ? { state: opt.state } : {}),
      ...(typeof opt.limit === 'string' ? { limit: Number(opt.limit) } : {}),
    };
    let cursor: string | undefined;
    let refused = 0;
    let total = 0;
    let moved = 0;
    let target = 0;
    do {
      const url = `${server}/api/packs/${encodeURIComponent(pack)}/procedures/${encodeURIComponent(proc)}/migrate`;
      const r = await http('POST', url, token, { ...body, ...(cursor ? { cursor } : {}) }, out);
      if (!r) return 1;
      if (r.status !== 200) {
        out(`✗ 迁移失败 / migrate failed: HTTP ${r.status} ${JSON.stringify(r.json)}`);
        return 1;
      }
      const res = r.json as {
        toVersion: number;
        cases: MigratedCase[];
        moved: number;
        refused: number;
        next: string | null;
      };
      if (!total)
        out(
          `${run ? '迁移 / migrating' : '预演 / dry run'}: ${pack}/${proc} → 版本 version ${res.toVersion}${run ? '' : '(加 --run 执行 / add --run to move)'}`,
        );
      for (const c of res.cases) printMigrated(c, out);
      total += res.cases.length;
      moved += res.moved;
      refused += res.refused;
      target = res.toVersion;
      cursor = res.next ?? undefined;
    } while (cursor);
    out(
      `${refused ? '✗' : '✓'} ${total} 个案件 case(s) → 版本 version ${target}: ${run ? `已迁移 moved ${moved}` : '未改动 nothing changed'}${refused ? `,不能迁移 refused ${refused}` : ''}`,
    );
    return refused ? 1 : 0;
  },
};
