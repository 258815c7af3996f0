/**
 * `gongzhi diff <pack-dir>`: what the pack changes against its base, in words, and whether it still follows it:
 * conflicts of its patches and parameter overrides, problems of the re-resolved pack, and its own scenarios that now
 * fail. Exit 1 when conflicted.
 */
import { retestPack, type PackConflict } from '../../../engine';
import type { Command } from '../command';
import { describeOverride, printConflicts } from '../describe';
import { loadResolved, printProblems } from '../load';

export const diff: Command = {
  name: 'diff',
  usage:
    '  gongzhi diff <pack-dir>              列出相对上级包的改动及冲突 / list what the pack changes against its base, and its conflicts',
  async run({ positionals: [dir], out, usage }) {
    const r = loadResolved(dir, out, usage);
    if (typeof r === 'number') return r;
    if (!r.pack) {
      out('✗ 校验失败 / validation failed');
      printProblems(r.problems, r.sources, out);
      return 1;
    }
    const p = r.pack;
    out(`配置包 pack ${p.id} 相对 vs ${p.extends ?? '(无上级 no base)'}: ${p.overrides.length} 处改动 / change(s)`);
    for (const o of p.overrides) out(`  • ${describeOverride(o, p)}`);
    if (!p.extends) return 0;
    const conflicts: PackConflict[] = [
      ...(p.conflicts ?? []),
      ...r.problems.map((x): PackConflict => ({
        kind: 'problem',
        path: x.path,
        reason: 'invalid',
        message: x.message,
      })),
      ...(r.problems.length ? [] : await retestPack(p, r.target.scenarios ?? {})),
    ];
    if (!conflicts.length) {
      out(`✓ 跟随上级包,无冲突 / follows its base, no conflict (${p.lineage.join(' → ')})`);
      return 0;
    }
    out(`✗ 与上级包冲突 / conflicted with its base: ${conflicts.length} 处 / conflict(s)`);
    printConflicts(conflicts, out);
    return 1;
  },
};
