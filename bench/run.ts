/**
 * Runs the benchmarks and writes bench/RESULTS.md.
 *   npm run bench                 all registered benchmarks
 *   npm run bench -- engine packs only these (their sections of RESULTS.md are replaced, the rest kept)
 *   npm run bench -- --quick      tiny sizes, report to bench/out/RESULTS-quick.md (for trying things out)
 * A benchmark is a module `bench/<file>.ts` exporting `run({ quick }): Promise<BenchResult>`; those whose
 * file is missing at run time are skipped, so benchmarks can be added by others without touching this.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineSummary, mergeReport, renderConsole, renderSection } from './report';
import type { BenchModule } from './types';

/** Name → module file (relative to bench/), in report order. */
export const REGISTRY: [string, string][] = [
  ['engine', './engine.ts'],
  ['http', './http.ts'],
  ['store', './store.ts'],
  ['checkpoint', './checkpoint.ts'],
  ['postgres', './postgres.ts'],
  ['desk', './postgres-desk.ts'],
  ['packs', './packs.ts'],
  ['designer', './designer-open.ts'],
];

const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

function commandLine(args: string[]): string {
  if (process.env.npm_lifecycle_event === 'bench') return `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
  return `node --import tsx bench/run.ts${args.length ? ` ${args.join(' ')}` : ''}`;
}

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const names = argv.filter((a) => !a.startsWith('--'));
  const available = REGISTRY.filter(([, file]) => existsSync(here(file)));
  const unknown = names.filter((n) => !available.some(([name]) => name === n));
  if (unknown.length) {
    console.error(
      `unknown or missing benchmark: ${unknown.join(', ')} (available: ${available.map(([n]) => n).join(', ')})`,
    );
    return 2;
  }
  const selected = names.length ? available.filter(([name]) => names.includes(name)) : available;
  // the load average at the start says how busy the (shared) machine was: absolute figures depend on it, ratios less
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
  const info = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    command: commandLine(argv),
    machine: `${machineSummary()}; load average at the start ${load} (1 / 5 / 15 min)`,
  };
  console.log(`Gongzhi benchmarks · ${info.machine}\n${info.command}\n`);

  const fresh = new Map<string, string>();
  let failed = 0;
  for (const [name, file] of selected) {
    const t0 = performance.now();
    try {
      const mod = (await import(here(file))) as BenchModule;
      const result = await mod.run({ quick });
      result.name = name;
      console.log(`${renderConsole(result)}\n  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
      fresh.set(name, renderSection(result, info));
    } catch (e) {
      failed++;
      console.error(`== ${name}: FAILED\n${(e as Error).stack ?? e}\n`);
    }
  }
  const out = here(quick ? './out/RESULTS-quick.md' : './RESULTS.md');
  mkdirSync(dirname(out), { recursive: true });
  const existing = existsSync(out) ? readFileSync(out, 'utf8') : '';
  writeFileSync(
    out,
    mergeReport(
      existing,
      fresh,
      REGISTRY.map(([n]) => n),
    ),
  );
  console.log(`wrote ${out}${failed ? ` (${failed} benchmark(s) failed; their sections were kept as they were)` : ''}`);
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
