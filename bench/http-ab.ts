/**
 * Before/after of a server change by CPU time per request, for a shared machine where requests/s are noise:
 *   node --import tsx bench/http-ab.ts <checkoutA> <checkoutB> [events|create] [rounds] [seconds] [cases]
 * Starts bench/http-server.ts of each checkout (its own code, run from its own folder, the file store with fsync;
 * the Node flags of this checkout's `npm start`), then alternates 20-connection load rounds on them (the order
 * rotating each round, one warm-up round each first) and prints per round and as medians: the server process's CPU
 * per request (user + system of all its threads, from /proc), its share of one core, requests/s, p99, and the load
 * average at the round's start. `events` is the HTTP benchmark's event load, `create` its creation load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CasePool, cpuOf, load, loadCreate, spawnServer, type LoadFigures } from './http-load';
import { median } from './measure';

async function server(checkout: string, cases: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-ab-'));
  const child = await spawnServer(['gongzhi', dataDir, String(cases), '1'], [], {}, checkout);
  return {
    ...child,
    pool: new CasePool(child.ids),
    pid: child.proc.pid!,
    async stop() {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const [a, b, kind = 'events', roundsArg = '5', secondsArg = '5', casesArg = '3000'] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: http-ab.ts <checkoutA> <checkoutB> [events|create] [rounds] [seconds] [cases]');
  process.exit(2);
}
const rounds = Number(roundsArg);
const seconds = Number(secondsArg);
const checkouts = [resolve(a), resolve(b)];
const servers = [];
for (const c of checkouts) servers.push(await server(c, Number(casesArg)));
type Round = { cpu: number; core: number; f: LoadFigures; load: number };
const results: Round[][] = servers.map(() => []);
try {
  for (let round = 0; round <= rounds; round++) {
    for (let k = 0; k < servers.length; k++) {
      const i = (round + k) % servers.length;
      const s = servers[i];
      const load1 = loadavg()[0];
      const c0 = cpuOf(s.pid).all;
      const t0 = performance.now();
      const f =
        kind === 'create'
          ? await loadCreate(s.url, s.token, 20, seconds)
          : await load(s.url, s.token, s.pool, 20, seconds);
      const dt = (performance.now() - t0) / 1000;
      const c1 = cpuOf(s.pid).all;
      if (kind !== 'create') {
        await new Promise((r) => setTimeout(r, 300));
        await s.pool.settle(async (id) => {
          const r = await fetch(`${s.url}/api/instances/${id}`, { headers: { authorization: `Bearer ${s.token}` } });
          return ((await r.json()) as { state: string }).state;
        });
      }
      if (f.failures) throw new Error(`${checkouts[i]}: ${f.failures} failed requests`);
      const r = { cpu: (1e6 * (c1 - c0)) / f.responses, core: (c1 - c0) / dt, f, load: load1 };
      if (round > 0) results[i].push(r);
      console.log(
        `${round === 0 ? 'warm-up' : `round ${round}`} ${i === 0 ? 'A' : 'B'}: ${r.cpu.toFixed(0)} µs CPU/request, ${(100 * r.core).toFixed(0)} % of a core, ${f.rps.toFixed(0)} req/s, p99 ${f.p99.toFixed(1)} ms, load ${load1.toFixed(1)}`,
      );
    }
  }
} finally {
  await Promise.allSettled(servers.map((s) => s.stop()));
}
console.log(
  `B / A, CPU per request: median of the rounds' ratios ${median(results[1].map((r, k) => r.cpu / results[0][k].cpu)).toFixed(3)} [${results[1].map((r, k) => (r.cpu / results[0][k].cpu).toFixed(2)).join(' ')}]`,
);
for (let i = 0; i < servers.length; i++) {
  const rs = results[i];
  console.log(
    `${i === 0 ? 'A' : 'B'} ${checkouts[i]} (${kind}): median ${median(rs.map((r) => r.cpu)).toFixed(0)} µs CPU/request [${rs.map((r) => r.cpu.toFixed(0)).join(' ')}], ${median(rs.map((r) => r.f.rps)).toFixed(0)} req/s, p99 ${median(rs.map((r) => r.f.p99)).toFixed(1)} ms, ${(100 * median(rs.map((r) => r.core))).toFixed(0)} % of a core, load ${rs.map((r) => r.load.toFixed(1)).join(' ')}`,
  );
}
