/**
 * A generated pack of N procedures for the pack-load benchmark: the national pack's parameters and data
 * with the four national procedures repeated under new ids (`<id>-g07`), written to a temporary folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GeneratedRoot {
  root: string;
  packId: string;
  dispose(): void;
}

export function generatePack(nationalDir: string, count: number): GeneratedRoot {
  const root = mkdtempSync(join(tmpdir(), 'gongzhi-bench-packs-'));
  const packId = `bench-${count}`;
  const dir = join(root, packId);
  mkdirSync(join(dir, 'procedures'), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(nationalDir, 'pack.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(
    join(dir, 'pack.json'),
    JSON.stringify(
      {
        ...manifest,
        id: packId,
        title: {
          'zh-CN': `基准测试配置包(${count} 个流程,生成)`,
          en: `Benchmark pack (${count} procedures, generated)`,
        },
      },
      null,
      2,
    ),
  );
  cpSync(join(nationalDir, 'data'), join(dir, 'data'), { recursive: true });
  const bases = readdirSync(join(nationalDir, 'procedures'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readFileSync(join(nationalDir, 'procedures', f), 'utf8'));
  for (let i = 0; i < count; i++) {
    const text = bases[i % bases.length];
    const oldId = (JSON.parse(text) as { id: string }).id;
    const id = `${oldId}-g${String(i).padStart(2, '0')}`;
    const doc = JSON.parse(text.split(`"#${oldId}.`).join(`"#${id}.`)) as Record<string, unknown>;
    writeFileSync(join(dir, 'procedures', `${id}.json`), JSON.stringify({ ...doc, id }, null, 2));
  }
  return { root, packId, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
