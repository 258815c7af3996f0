/**
 * The PostgreSQL store against the embedded one, and PostgreSQL at scale (issue 14). All on one PostgreSQL 15 cluster
 * started for the run (fsync and synchronous commit on, like the embedded store's fsync), on the same machine:
 *
 * 1. events/s through the case service (no HTTP), 20 concurrent grid cases in the ASSIGN/RETURN loop: PostgreSQL
 *    against the embedded file store (fsync on), alternating rounds;
 * 2. events/s of 1 server process against 2 (each with 20 cases) on one database;
 * 3. the cost of one event (sequential, random case) with 1,000 against 1,000,000 stored cases (target ≤ 1.5×);
 * 4. listing at 1,000,000 cases: by business key, and by state (first page and a deep page), p50/p99 (the supervision
 *    desk's pages and figures over HTTP, on a realistic mix of cases, are bench/postgres-desk.ts);
 * 5. 20,000 deadlines falling due at once, fired by 2 processes: the rate, and that each fired exactly once.
 *
 * The large databases are filled with SQL (INSERT … SELECT from generate_series) from real cases started through the
 * service: copies of their rows (case, history, timers; the earliest deadline and the figures a case keeps) with new
 * ids and business keys; the stats index is then recounted from the cases, as on a database that held cases before
 * migration 004.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import pg from 'pg';
import type { AppDeps } from '../server/deps';
import { startCluster, createDatabase } from '../tests/support/postgres-cluster';
import { ADMIN, GRID_DATA, LOOP, nextInLoop, type LoopEvent } from './grid-event';
import { alternate, median, pairedRatio, percentile } from './measure';
import { fill, open, recountStats, templates, type Opened } from './postgres-fixture';
import { MEDIATION_DATA } from './mediation-path';
import type { BenchOptions, BenchResult, BenchRow, BenchRatio } from './types';

/** `n` concurrent grid cases in the loop; a sample runs for `ms` and gives events/s. */
async function loopCases(deps: AppDeps, n: number) {
  const cases: { id: string; next: LoopEvent }[] = [];
  for (let i = 0; i < n; i++)
    cases.push({
      id: (await deps.cases.start(ADMIN, { pack: 'national', procedure: 'grid-event', data: GRID_DATA })).instance.id,
      next: 'ASSIGN',
    });
  return (ms: number) => async () => {
    let events = 0;
    const t0 = performance.now();
    const end = t0 + ms;
    await Promise.all(
      cases.map(async (c) => {
        while (performance.now() < end) {
          const r = await deps.cases.send(ADMIN, c.id, LOOP[c.next]);
          if (r.id !== c.id) throw new Error(`postgres bench: ${c.next} answered another case`);
          c.next = nextInLoop(c.next);
          events++;
        }
      }),
    );
    return (events * 1000) / (performance.now() - t0);
  };
}

function worker(args: string[]): Promise<{ child: ChildProcess; send(line: string): void; line(): Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/pg-worker.ts', ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const rl = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  rl.on('line', (l) => (waiting.length ? waiting.shift()!(l) : queue.push(l)));
  let exited: Error | null = null;
  child.on('exit', (code) => {
    exited = new Error(`pg-worker ${args[0]} exited (${code})`);
    for (const w of waiting.splice(0)) w(`EXIT ${code}`);
  });
  const line = () =>
    new Promise<string>((r) => (queue.length ? r(queue.shift()!) : exited ? r('EXIT') : waiting.push(r)));
  return line().then((first) => {
    if (first !== 'READY') throw new Error(`pg-worker: ${first}`);
    return { child, send: (l: string) => child.stdin!.write(`${l}\n`), line };
  });
}

/** events/s of `procs` worker processes together on one database (each with `conc` cases). */
async function processesRate(url: string, procs: number, ms: number, conc: number): Promise<number> {
  const ws = await Promise.all(Array.from({ length: procs }, () => worker(['load', url, String(ms), String(conc)])));
  for (const w of ws) w.send('GO');
  const out = await Promise.all(ws.map(async (w) => JSON.parse(await w.line()) as { events: number; ms: number }));
  return out.reduce((n, o) => n + (o.events * 1000) / o.ms, 0);
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const q = opts.quick;
  const nLarge = q ? 5_000 : 1_000_000;
  const nSmall = 1_000;
  const nTimers = q ? 500 : 20_000;
  const sampleMs = q ? 300 : 3_000;
  const rounds = q ? 1 : 5;
  const fmt = (n: number) => n.toLocaleString('en-US');
  const rows: BenchRow[] = [];
  const ratios: BenchRatio[] = [];
  const notes: string[] = [];
  const t00 = performance.now();
  const stage = (what: string) =>
    console.error(`  [postgres bench ${((performance.now() - t00) / 1000).toFixed(1)} s] ${what}`);
  const cluster = await startCluster({ durable: true });
  const dbs: { drop(): Promise<void> }[] = [];
  const db = async (name: string) => {
    const d = await createDatabase(cluster.adminUrl, name);
    dbs.push(d);
    return d.url;
  };
  try {
    // 1. PostgreSQL against the embedded store, same workload, alternating
    stage('events/s: PostgreSQL against embedded');
    {
      const pgs = await open('postgres', await db('bench_events'));
      const file = await open('file');
      try {
        const onPg = await loopCases(pgs.deps, 20);
        const onFile = await loopCases(file.deps, 20);
        const [p, f] = await alternate(
          [
            { label: 'PostgreSQL', sample: onPg(sampleMs) },
            { label: 'embedded', sample: onFile(sampleMs) },
          ],
          { rounds, warmup: q ? 0 : 1 },
        );
        rows.push({
          label: 'events/s, PostgreSQL store, 1 process, 20 concurrent cases',
          value: p.median,
          unit: 'events/s',
        });
        rows.push({
          label: 'events/s, embedded file store (fsync), 20 concurrent cases',
          value: f.median,
          unit: 'events/s',
        });
        ratios.push({ label: 'PostgreSQL ÷ embedded, events/s', value: pairedRatio(p, f) });
      } finally {
        await pgs.close();
        await file.close();
      }
    }

    // 2. one process against two on one database
    stage('1 process against 2');
    {
      const url = await db('bench_procs');
      const seed = await open('postgres', url); // migrations and packs once, before the workers start
      await seed.close();
      const one: number[] = [];
      const two: number[] = [];
      for (let r = 0; r < (q ? 1 : 3); r++) {
        one.push(await processesRate(url, 1, sampleMs, 20));
        two.push(await processesRate(url, 2, sampleMs, 20));
      }
      rows.push({ label: 'events/s, 1 server process (20 cases)', value: median(one), unit: 'events/s' });
      rows.push({
        label: 'events/s, 2 server processes together (20 cases each)',
        value: median(two),
        unit: 'events/s',
      });
      ratios.push({ label: '2 processes ÷ 1 process, events/s', value: median(two) / median(one) });
    }

    // 3 and 4. per-event cost and listing, 1,000 against 1,000,000 stored cases
    stage(`filling ${fmt(nSmall)} and ${fmt(nLarge)} cases`);
    {
      const smallUrl = await db('bench_small');
      const largeUrl = await db('bench_large');
      const small = await open('postgres', smallUrl);
      const large = await open('postgres', largeUrl);
      try {
        const fillOne = async (o: Opened, url: string, n: number) => {
          const t = await templates(o.deps);
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          const t0 = performance.now();
          await fill(c, t, 'p', n - t.length);
          const ms = performance.now() - t0;
          await c.end();
          if ((await recountStats(url)) !== n) throw new Error('postgres bench: the recount did not see every case');
          return ms;
        };
        await fillOne(small, smallUrl, nSmall);
        const fillMs = await fillOne(large, largeUrl, nLarge);
        notes.push(
          `Filling ${fmt(nLarge)} cases (case, history and timer rows) with INSERT … SELECT took ${(fillMs / 1000).toFixed(0)} s.`,
        );
        stage('per-event cost and listing');
        const count = async (o: Opened) => o.deps.store.cases.count();
        if ((await count(small)) !== nSmall || (await count(large)) !== nLarge)
          throw new Error('postgres bench: wrong number of cases');
        // one event at a time, on cases picked at random among the copies (each starts in dispatch or handling)
        const stream = (o: Opened, n: number) => {
          const state = new Map<string, LoopEvent>();
          return (events: number) => async () => {
            const t0 = performance.now();
            for (let i = 0; i < events; i++) {
              const k = Math.floor(Math.random() * (n - 2));
              const id = `p${String(k).padStart(10, '0')}`;
              const e = state.get(id) ?? (k % 2 === 0 ? 'ASSIGN' : 'RETURN');
              const r = await o.deps.cases.send(ADMIN, id, LOOP[e]);
              if (r.id !== id) throw new Error(`postgres bench: ${e} on ${id} answered another case`);
              state.set(id, nextInLoop(e));
            }
            return (performance.now() - t0) / events;
          };
        };
        const per = q ? 20 : 200;
        const [s, l] = await alternate(
          [
            { label: `${fmt(nSmall)} cases`, sample: stream(small, nSmall)(per) },
            { label: `${fmt(nLarge)} cases`, sample: stream(large, nLarge)(per) },
          ],
          { rounds, warmup: q ? 0 : 1 },
        );
        rows.push({ label: `ms per event, ${fmt(nSmall)} stored cases (random case)`, value: s.median, unit: 'ms' });
        rows.push({ label: `ms per event, ${fmt(nLarge)} stored cases (random case)`, value: l.median, unit: 'ms' });
        const r = pairedRatio(l, s);
        ratios.push({
          label: `per-event cost, ${fmt(nLarge)} ÷ ${fmt(nSmall)} stored cases`,
          value: r,
          target: '≤ 1.5',
          met: r <= 1.5,
        });

        // listing at the large size
        const times = async (fn: (i: number) => Promise<unknown>, n: number) => {
          const out: number[] = [];
          for (let i = 0; i < n; i++) {
            const t0 = performance.now();
            await fn(i);
            out.push(performance.now() - t0);
          }
          return out;
        };
        const nq = q ? 50 : 500;
        const cases = large.deps.store.cases;
        const byKey = await times(async (i) => {
          const id = `p${String(Math.floor(Math.random() * (nLarge - 2))).padStart(10, '0')}`;
          const r = await cases.list({ packs: '*', pack: 'national', businessKey: `BK-${id}`, limit: 50 });
          if (r.items.length !== 1 && i >= 0)
            throw new Error(`postgres bench: business key of ${id} → ${r.items.length}`);
        }, nq);
        const byState = await times(async () => {
          const r = await cases.list({ packs: '*', state: 'handling', limit: 50 });
          if (r.items.length !== 50) throw new Error('postgres bench: list by state');
        }, nq);
        const deep = await times(async () => {
          const after = `p${String(Math.floor(Math.random() * (nLarge - 100))).padStart(10, '0')}`;
          const r = await cases.list({ packs: ['national'], state: 'handling', limit: 50, after });
          if (!r.items.length) throw new Error('postgres bench: deep page');
        }, nq);
        for (const [label, xs] of [
          ['by business key', byKey],
          ['by state, first page of 50', byState],
          ['by state, a page of 50 at a random cursor', deep],
        ] as const) {
          rows.push({ label: `list ${label} at ${fmt(nLarge)} cases, p50`, value: percentile(xs, 50), unit: 'ms' });
          rows.push({ label: `list ${label} at ${fmt(nLarge)} cases, p99`, value: percentile(xs, 99), unit: 'ms' });
        }
      } finally {
        await small.close();
        await large.close();
      }
    }

    // 5. many deadlines due at once, fired by two processes
    stage(`${fmt(nTimers)} deadlines at once`);
    {
      const url = await db('bench_timers');
      const seed = await open('postgres', url);
      const t = (
        await seed.deps.cases.start(ADMIN, { pack: 'national', procedure: 'dispute-mediation', data: MEDIATION_DATA })
      ).instance;
      stage('template started');
      await seed.close();
      stage('seed closed');
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await fill(c, [t.id], 'm', nTimers - 1);
        const due = (await c.query('SELECT count(*) AS n, max(due) AS last FROM gz_timers')).rows[0];
        if (Number(due.n) !== nTimers) throw new Error(`postgres bench: ${due.n} timers`);
        stage('filled');
        const ws = await Promise.all([worker(['timers', url, 'mover']), worker(['timers', url, 'helper'])]);
        stage('workers ready');
        try {
          const to = new Date((due.last as Date).getTime() + 1000).toISOString();
          const t0 = performance.now();
          for (const w of ws) w.send(`GO ${to}`);
          for (const give = Date.now() + (q ? 120_000 : 1_200_000); ;) {
            const left = Number((await c.query('SELECT count(*) AS n FROM gz_timers WHERE due <= $1', [to])).rows[0].n);
            if (left === 0) break;
            if (Date.now() > give) {
              // say what holds them before giving up: the leases and what each connection is doing
              const leases = (
                await c.query(
                  'SELECT lease_owner, count(*) AS n, min(lease_until) AS until FROM gz_timers WHERE due <= $1 GROUP BY 1',
                  [to],
                )
              ).rows;
              const sessions = (
                await c.query(`SELECT pid, application_name, state, wait_event_type, wait_event, left(query, 200) AS query, now() - xact_start AS in_tx
                                                 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
              ).rows;
              throw new Error(
                `postgres bench: ${left} of ${nTimers} deadlines still due; leases ${JSON.stringify(leases)}; sessions ${JSON.stringify(sessions)}`,
              );
            }
            await new Promise((r) => setTimeout(r, 50));
          }
          const ms = performance.now() - t0;
          for (const w of ws) w.send('STOP');
          const fired = await Promise.all(ws.map(async (w) => (JSON.parse(await w.line()) as { fired: number }).fired));
          const per = (
            await c.query(`SELECT n, count(*) AS cases FROM (SELECT h.case_id, count(*) AS n FROM gz_history h
                                       WHERE h.entry LIKE '%"type":"MEDIATION_EXPIRED"%' GROUP BY h.case_id) x GROUP BY n`)
          ).rows;
          const once = Number(per.find((r) => Number(r.n) === 1)?.cases ?? 0);
          const more = per.filter((r) => Number(r.n) > 1).reduce((s, r) => s + Number(r.cases), 0);
          rows.push({
            label: `${fmt(nTimers)} deadlines due at once, fired by 2 processes: deadlines/s`,
            value: (nTimers * 1000) / ms,
            unit: '/s',
          });
          rows.push({
            label: 'of which fired by the process that moved the clock',
            value: fired[0],
            unit: 'deadlines',
          });
          rows.push({ label: 'of which fired by the other process', value: fired[1], unit: 'deadlines' });
          rows.push({ label: 'cases whose deadline fired exactly once', value: once, unit: 'cases' });
          ratios.push({
            label: 'deadlines fired exactly once ÷ due',
            value: once / nTimers,
            target: '= 1',
            met: once === nTimers && more === 0 && fired[0] + fired[1] === nTimers,
          });
          if (more) notes.push(`✗ ${more} case(s) had their deadline fired more than once.`);
        } finally {
          // a worker left waiting (the run failed) would keep its connections open and the cluster from stopping
          for (const w of ws) if (w.child.exitCode === null) w.child.kill('SIGKILL');
        }
      } finally {
        await c.end();
      }
    }
    notes.push(
      'One PostgreSQL 15 cluster on the same 2-core machine as the server processes and the benchmark (fsync and synchronous_commit on); the embedded store with fsync on. Both store a grid-event case per row or document; events go through the case service (engine step included), not HTTP.',
      'Per-event cost and listing at scale use one database per size; the large one is filled with copies of real cases (their case, history and timer rows) so indexes have their real size.',
    );
    return {
      name: 'postgres',
      title:
        'PostgreSQL store: against the embedded store, with 2 processes, at 1,000,000 cases, 20,000 deadlines at once',
      rows,
      ratios,
      notes,
    };
  } finally {
    for (const d of dbs) await d.drop().catch(() => undefined);
    await cluster.stop();
  }
}
