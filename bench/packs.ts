/**
 * Pack load: the start-up path (read, resolve and validate, compile every procedure) for all bundled
 * packs — warm in this process and cold in fresh processes — and for one generated pack of 50
 * procedures; the peer is reading and JSON.parse-ing the same files (the I/O floor).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { alternate, median, pairedRatio, timeMs, type Series } from './measure';
import { loadAllPacks, type LoadTimes } from './pack-load';
import { parseJsonTree } from './json-floor';
import { generatePack } from './packs-generate';
import { PACKS_ROOT } from './mediation-path';
import type { BenchOptions, BenchResult } from './types';

const BUDGET_MS = 500;
const COLD_SCRIPT = fileURLToPath(new URL('./packs-cold.ts', import.meta.url));
const run$ = promisify(execFile);

async function cold(mode: 'gongzhi' | 'json', root: string): Promise<{ ms: number; processMs: number }> {
  const { stdout } = await run$(process.execPath, ['--import', 'tsx', COLD_SCRIPT, mode, root], { encoding: 'utf8' });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { ms: number; processMs: number };
}

/** Alternates the start-up path with the JSON floor on `root`; keeps the phase times of the start-up path. */
async function warm(root: string, rounds: number, warmup: number) {
  const phases: LoadTimes[] = [];
  const [g, j] = await alternate(
    [
      { label: 'gongzhi', sample: () => timeMs(() => phases.push(loadAllPacks(root))) },
      { label: 'json', sample: () => timeMs(() => parseJsonTree(root)) },
    ],
    { rounds, warmup },
  );
  const kept = phases.slice(warmup);
  const phase = (k: 'readMs' | 'resolveMs' | 'compileMs') => median(kept.map((p) => p[k]));
  return {
    g,
    j,
    last: phases[phases.length - 1],
    read: phase('readMs'),
    resolve: phase('resolveMs'),
    compile: phase('compileMs'),
  };
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const root = PACKS_ROOT;
  const files = parseJsonTree(root);
  const all = await warm(root, opts.quick ? 1 : 15, opts.quick ? 1 : 3);

  const processMs: number[] = [];
  const [cg, cj] = await alternate(
    [
      {
        label: 'gongzhi',
        sample: async () => {
          const r = await cold('gongzhi', root);
          processMs.push(r.processMs);
          return r.ms;
        },
      },
      { label: 'json', sample: async () => (await cold('json', root)).ms },
    ],
    { rounds: opts.quick ? 1 : 7, warmup: opts.quick ? 0 : 1 },
  );
  const coldProcess = median(processMs.slice(opts.quick ? 0 : 1));

  const count = opts.quick ? 4 : 50;
  const gen = generatePack(join(root, 'national'), count);
  let big: Awaited<ReturnType<typeof warm>>;
  try {
    big = await warm(gen.root, opts.quick ? 1 : 7, 1);
  } finally {
    gen.dispose();
  }

  const ms = (label: string, s: Series | number) => ({
    label,
    value: typeof s === 'number' ? s : s.median,
    unit: 'ms',
  });
  const coldBudget = cg.median / BUDGET_MS;
  const { packs, procedures } = all.last;
  return {
    name: 'packs',
    title: '配置包加载 Pack load (read, resolve and validate, compile)',
    rows: [
      ms(`all bundled packs (${packs} packs, ${procedures} procedures), warm`, all.g),
      ms('  of which: read folders', all.read),
      ms('  of which: resolve and validate', all.resolve),
      ms('  of which: compile procedures', all.compile),
      ms(`JSON.parse of the same ${files} files, warm`, all.j),
      ms('all bundled packs, cold (fresh process)', cg),
      ms('JSON.parse of the same files, cold (fresh process)', cj),
      ms('fresh process start → packs loaded (Node, tsx, imports included)', coldProcess),
      ms(`generated pack of ${count} procedures, warm`, big.g),
      ms('  of which: resolve and validate', big.resolve),
      ms('  of which: compile procedures', big.compile),
      ms(`JSON.parse of the generated pack's files, warm`, big.j),
      { label: 'generated pack: per procedure', value: big.g.median / count, unit: 'ms' },
    ],
    ratios: [
      {
        label: `all bundled packs, cold / ${BUDGET_MS} ms budget`,
        value: coldBudget,
        target: '< 1',
        met: coldBudget < 1,
      },
      { label: 'all bundled packs / JSON.parse, warm', value: pairedRatio(all.g, all.j) },
      { label: 'all bundled packs / JSON.parse, cold', value: pairedRatio(cg, cj) },
      { label: `generated ${count}-procedure pack / JSON.parse`, value: pairedRatio(big.g, big.j) },
    ],
    notes: [
      'Start-up path as the server runs it: loadPacksRoot (server/packs) → resolvePacks (merge, validate every procedure, check locks, diff) → compileProcedure for every procedure of every resolved pack (a county pack carries its own copy of each national procedure, so each is validated and compiled per pack).',
      `Warm: in this process after warm-up rounds, alternating with the JSON floor; cold: each sample a fresh \`node --import tsx bench/packs-cold.ts\`, timed inside the child after its imports (the budget of ${BUDGET_MS} ms applies to this figure).`,
      `Generated pack: the national parameters and data with the four national procedures repeated under new ids (${count} procedures), written to a temporary folder and removed afterwards.`,
    ],
  };
}
