/** `gongzhi bundle <pack-dir> [--out f]`: the pack as one portable `gongzhi-pack/1` JSON, built offline. */
import { writeFileSync } from 'node:fs';
import { bundleOf } from '../../packs/bundle';
import type { Command } from '../command';
import { loadResolved, printProblems } from '../load';

export const bundle: Command = {
  name: 'bundle',
  usage: '  gongzhi bundle <pack-dir> [--out f]  打包为单个 JSON / build a portable bundle offline',
  run({ positionals: [dir], options, out, usage }) {
    const r = loadResolved(dir, out, usage);
    if (typeof r === 'number') return r;
    if (r.problems.length) {
      out('✗ 校验失败,未打包 / validation failed, no bundle written');
      printProblems(r.problems, r.sources, out);
      return 1;
    }
    const text = JSON.stringify(bundleOf(r.target), null, 2) + '\n';
    if (options.out) {
      writeFileSync(options.out, text);
      out(`✓ 已打包 / bundle written: ${options.out}`);
    } else process.stdout.write(text);
    return 0;
  },
};
