/** `gongzhi validate <pack-dir>`: the pack resolved with its bases; every problem, or its lineage and sizes. */
import type { Command } from '../command';
import { printConflicts } from '../describe';
import { loadResolved, printProblems } from '../load';

export const validate: Command = {
  name: 'validate',
  usage: '  gongzhi validate <pack-dir>          校验配置包 / validate a pack (and its bases)',
  run({ positionals: [dir], out, usage }) {
    const r = loadResolved(dir, out, usage);
    if (typeof r === 'number') return r;
    if (r.problems.length || !r.pack) {
      out(`✗ 校验失败 / validation failed: ${r.target.manifest.id} — ${r.problems.length} 个问题 / problem(s)`);
      printProblems(r.problems, r.sources, out);
      return 1;
    }
    const p = r.pack;
    if (p.conflicts?.length) {
      out(`✗ 与上级包冲突 / conflicts with its base: ${p.id} — ${p.conflicts.length} 处 / conflict(s)`);
      printConflicts(p.conflicts, out);
      return 1;
    }
    out(`✓ 校验通过 / validation passed: ${p.id} (${p.title['zh-CN']} / ${p.title.en})`);
    out(`  继承 / lineage: ${p.lineage.join(' → ')}`);
    out(
      `  流程 / procedures: ${Object.keys(p.procedures).length} · 参数 / parameters: ${Object.keys(p.parameters).length} · 改动 / overrides: ${p.overrides.length} · 场景 / scenarios: ${Object.keys(r.target.scenarios ?? {}).length}`,
    );
    return 0;
  },
};
