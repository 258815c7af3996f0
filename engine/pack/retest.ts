/**
 * A county re-resolved on a new base is re-tested with its own scenarios: each that now fails is a conflict of the
 * procedure it runs (the county must look at it before that procedure follows the base). `pause`, awaited after each
 * scenario, lets a server answer other requests in between (a scenario's rules are awaited, but as promises already
 * settled: without a pause the whole re-test would hold the event loop).
 */
import type { PackConflict, ResolvedPack, Scenario } from '../types';
import { compileProcedure, type CompiledProcedure } from '../compile';
import { runScenario } from '../scenario';
import { i18n } from '../errors';

export async function retestPack(
  pack: ResolvedPack,
  scenarios: Record<string, Scenario>,
  pause?: () => Promise<void>,
): Promise<PackConflict[]> {
  const out: PackConflict[] = [];
  const compiled = new Map<string, CompiledProcedure>();
  const title = (sc: Scenario) => (typeof sc.title === 'string' ? sc.title : sc.title['zh-CN']);
  for (const [name, sc] of Object.entries(scenarios)) {
    const doc = pack.procedures[sc.procedure];
    const fail = (details: string[], zh: string, en: string) =>
      out.push({
        kind: 'scenario',
        procedure: sc.procedure,
        path: name,
        reason: 'failed',
        details,
        message: i18n(zh, en),
      });
    if (!doc) {
      fail(
        [],
        `场景「${title(sc)}」的流程 ${sc.procedure} 已不存在`,
        `scenario ${name}: procedure ${sc.procedure} no longer exists`,
      );
      continue;
    }
    try {
      let proc = compiled.get(sc.procedure);
      if (!proc) compiled.set(sc.procedure, (proc = compileProcedure({ ...doc, version: 1 }, pack)));
      const report = await runScenario(proc, sc);
      if (report.failures.length)
        fail(
          report.failures,
          `场景「${title(sc)}」不再通过(${report.failures.length} 处不符)`,
          `scenario ${name} no longer passes (${report.failures.length} failure(s))`,
        );
    } catch (e) {
      fail([(e as Error).message], `场景「${title(sc)}」无法运行`, `scenario ${name} cannot run`);
    }
    await pause?.();
  }
  return out;
}
