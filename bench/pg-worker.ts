/**
 * A server process (the case service, no HTTP) on a PostgreSQL database, driven by bench/postgres.ts over
 * stdin/stdout: it prints `READY`, waits for `GO`, works, and prints one JSON line.
 *   node --import tsx bench/pg-worker.ts load <pgUrl> <ms> <concurrency>   events on its own grid cases for <ms>
 *   node --import tsx bench/pg-worker.ts timers <pgUrl> mover|helper       fire due deadlines; the mover moves the clock
 */
import { createInterface } from 'node:readline';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDeps, createGongzhi } from '../server/app';
import { ADMIN, GRID_DATA, LOOP, NOW, nextInLoop, type LoopEvent } from './grid-event';
import { PACKS_ROOT } from './mediation-path';

const [mode, url, a, b] = process.argv.slice(2);
// every line is kept until it is read: a line that comes while the worker is busy (STOP during a settle) is not lost
const lines = createInterface({ input: process.stdin });
const queued: string[] = [];
const waiting: ((line: string) => void)[] = [];
lines.on('line', (l) => (waiting.length ? waiting.shift()!(l) : queued.push(l)));
const next = () => new Promise<string>((r) => (queued.length ? r(queued.shift()!) : waiting.push(r)));

const { deps } = await createGongzhi({
  dataDir: mkdtempSync(join(tmpdir(), 'gongzhi-pgw-')),
  packsDir: PACKS_ROOT,
  adminToken: 'bench-admin',
  controlledClock: true,
  now: NOW,
  quiet: true,
  log: (m) => process.stderr.write(`pg-worker ${mode} ${b ?? a}: ${m}\n`),
  store: 'postgres',
  pgUrl: url,
  pgPollMs: 200,
});

if (mode === 'load') {
  const ms = Number(a);
  const conc = Number(b);
  const cases: { id: string; next: LoopEvent }[] = [];
  for (let i = 0; i < conc; i++)
    cases.push({
      id: (await deps.cases.start(ADMIN, { pack: 'national', procedure: 'grid-event', data: GRID_DATA })).instance.id,
      next: 'ASSIGN',
    });
  process.stdout.write('READY\n');
  await next();
  let events = 0;
  const end = Date.now() + ms;
  await Promise.all(
    cases.map(async (c) => {
      while (Date.now() < end) {
        const r = await deps.cases.send(ADMIN, c.id, LOOP[c.next]);
        if (r.id !== c.id) throw new Error(`pg-worker: ${c.next} answered another case`);
        c.next = nextInLoop(c.next);
        events++;
      }
    }),
  );
  process.stdout.write(`${JSON.stringify({ events, ms })}\n`);
} else if (mode === 'timers') {
  let fired = 0;
  const fire = deps.cases.expireTimer.bind(deps.cases);
  deps.cases.expireTimer = async (ref) => {
    const ok = await fire(ref);
    if (ok) fired++;
    return ok;
  };
  process.stdout.write('READY\n');
  const at = await next(); // GO <iso>
  if (a === 'mover') {
    const to = new Date(at.split(' ')[1]);
    await (deps.clock as import('../server/time/clock').ControlledClock).set(to);
    await deps.scheduler.settle(to, 600_000);
  }
  await next(); // STOP
  process.stdout.write(`${JSON.stringify({ fired })}\n`);
}
await closeDeps(deps);
process.exit(0);
