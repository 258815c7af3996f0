/**
 * `gongzhi test <pack-dir>`: runs the pack's and its bases' scenarios (a pack's scenario of the same file name as its
 * base's replaces it), one line each, then the state and transition coverage of each procedure.
 */
import {
  compileProcedure,
  coverage,
  percent,
  runScenario,
  type PackSource,
  type Scenario,
  type ScenarioReport,
} from '../../../engine';
import type { Command } from '../command';
import { loadResolved, printProblems } from '../load';

export const test: Command = {
  name: 'test',
  usage: "  gongzhi test <pack-dir>              运行本包及上级包的场景 / run the pack's and its bases' scenarios",
  async run({ positionals: [dir], out, usage }) {
    const r = loadResolved(dir, out, usage);
    if (typeof r === 'number') return r;
    if (r.problems.length || !r.pack) {
      out(`✗ 校验失败,无法运行场景 / validation failed, scenarios not run`);
      printProblems(r.problems, r.sources, out);
      return 1;
    }
    const pack = r.pack;
    const runs = new Map<string, ScenarioReport[]>();
    let failed = 0;
    let total = 0;
    const byName = new Map<string, { src: PackSource; sc: Scenario }>();
    for (const src of r.sources)
      for (const [name, sc] of Object.entries(src.scenarios ?? {})) byName.set(name, { src, sc });
    for (const [name, { src, sc }] of byName) {
      total++;
      const title = typeof sc.title === 'string' ? sc.title : `${sc.title['zh-CN']}`;
      const label = `${src.manifest.id}/${name}`;
      const doc = pack.procedures[sc.procedure];
      if (!doc) {
        failed++;
        out(`  ✗ ${label} — 流程「${sc.procedure}」不存在 / procedure '${sc.procedure}' does not exist`);
        continue;
      }
      let report: ScenarioReport;
      try {
        report = await runScenario(compileProcedure({ ...doc, version: 1 }, pack), sc);
      } catch (e) {
        failed++;
        out(`  ✗ ${label} — 运行出错 / error: ${(e as Error).message}`);
        continue;
      }
      runs.set(sc.procedure, [...(runs.get(sc.procedure) ?? []), report]);
      if (report.failures.length) {
        failed++;
        out(`  ✗ ${label} — ${title}`);
        for (const f of report.failures) out(`      ${f}`);
      } else out(`  ✓ ${label} — ${title}`);
      for (const p of report.provisional) {
        out(
          `      暂定 provisional: ${p.deadline} ${p.dueDate}(${p.years.join('、')} 年节假日通知未载入,按法定假日推算 / no holiday notice for ${p.years.join(', ')}: derived from the statute)`,
        );
      }
    }
    out('覆盖 / coverage:');
    for (const [procId, doc] of Object.entries(pack.procedures)) {
      const reports = runs.get(procId) ?? [];
      const cov = coverage(doc, reports);
      out(
        `  ${procId}: ${reports.length} 个场景 scenarios · 状态 states ${cov.states.reached}/${cov.states.total} (${percent(cov.states.reached, cov.states.total)} %) · 流转 transitions ${cov.transitions.reached}/${cov.transitions.total} (${percent(cov.transitions.reached, cov.transitions.total)} %)`,
      );
    }
    if (failed) {
      out(`✗ 场景失败 / scenarios failed: ${failed}/${total} (${pack.id})`);
      return 1;
    }
    out(`✓ 场景全部通过 / all scenarios passed: ${total} (${pack.id})`);
    return 0;
  },
};
