/**
 * `gongzhi overlay <pack-dir> [--write]`: turns a pack's copies of base procedures and merge patches into overlays
 * (operations that record the base's value they change), against the base as it is now. `--write` rewrites
 * `patches/<procedure>.json` (and the manifest's parameters) and removes the copies; without it, a dry run.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolvePacks } from '../../../engine';
import type { Command } from '../command';
import { loadWithBases } from '../load';

export const overlay: Command = {
  name: 'overlay',
  usage:
    '  gongzhi overlay <pack-dir> [--write] 把完整副本和合并补丁转成记录上级原值的补丁 / turn copies and merge patches into overlays',
  run({ positionals: [dir], options, out }) {
    const write = options.write === true;
    if (!dir || !existsSync(join(dir, 'pack.json'))) {
      out(`✗ 找不到配置包 / pack not found: ${dir ?? '<pack-dir>'}`);
      return dir ? 1 : 2;
    }
    const { target, sources } = loadWithBases(dir);
    const { problems, upgraded } = resolvePacks(sources, { upgrade: true });
    const mine = problems.filter((p) => p.path.startsWith(`/packs/${target.manifest.id}/`));
    const up = upgraded[target.manifest.id];
    if (!up) {
      out(`✓ 无需转换 / nothing to turn: ${target.manifest.id} 的改动均已是补丁 / its changes are overlays already`);
      return mine.length ? 1 : 0;
    }
    for (const t of up.turned) {
      if ('parameter' in t) {
        out(
          `  • 参数 parameter ${t.parameter}: 记录上级原值 records the base value ${JSON.stringify(up.parameters?.[t.parameter]?.baseValue)}`,
        );
        continue;
      }
      const n = up.patches[t.procedure]?.length ?? 0;
      out(
        `  • ${t.procedure}: ${t.from === 'copy' ? '完整副本 full copy' : '合并补丁 merge patch'} → ${n} 个操作 operation(s)`,
      );
    }
    if (!write) {
      out('(预演 dry run: 加 --write 写入 / add --write to rewrite the files)');
      return 0;
    }
    mkdirSync(join(dir, 'patches'), { recursive: true });
    if (up.parameters) {
      const manifest = JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(dir, 'pack.json'), JSON.stringify({ ...manifest, parameters: up.parameters }, null, 2) + '\n');
    }
    for (const t of up.turned) {
      if ('parameter' in t) continue;
      writeFileSync(
        join(dir, 'patches', `${t.procedure}.json`),
        JSON.stringify({ procedure: t.procedure, changes: up.patches[t.procedure] }, null, 2) + '\n',
      );
      if (t.from === 'copy') rmSync(join(dir, 'procedures', `${t.procedure}.json`), { force: true });
    }
    out(`✓ 已转换 / rewritten: ${up.turned.length} 个流程 procedure(s) in ${join(dir, 'patches')}`);
    return 0;
  },
};
