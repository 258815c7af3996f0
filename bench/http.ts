/**
 * HTTP throughput and latency: `POST /api/instances/:id/events` through the real server (startServer, embedded
 * file store, fsync on as by default) against a bare Koa app that reads and JSON.parses the same body and answers
 * a JSON of the same size — the HTTP limit on this machine. Each server runs in its own process
 * (bench/http-server.ts); autocannon drives it from this one with 20 connections. The contenders alternate.
 *
 * Workload: grid-event cases in `dispatch`; each request sends the case's next event of the loop
 * ASSIGN → handling → RETURN → dispatch. A case is never in flight on two connections at once: a request takes
 * the next free case from a queue and gives it back on its answer, so the events spread evenly over all cases.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alternate, median, pairedRatio } from './measure';
import {
  CREATE_BODY,
  CasePool,
  cpuOf,
  firstEvent,
  gongzhiServer,
  sampleAnswer,
  load,
  loadCreate,
  spawnServer,
  startFlags,
  type LoadFigures,
  type ServerChild,
} from './http-load';
import type { BenchOptions, BenchResult } from './types';

const TARGET_RPS_SHARE = 0.4;
const TARGET_P99_MS = 10;
const TARGET_CREATE_SHARE = 0.3;
const TARGET_CREATE_P99_MS = 20;
/** Mean size of the case files under a data folder (they grow by one history entry per event). */
function meanCaseFileBytes(dataDir: string): number {
  const dir = join(dataDir, 'instances');
  let n = 0;
  let bytes = 0;
  for (const shard of readdirSync(dir)) {
    for (const f of readdirSync(join(dir, shard))) {
      if (!f.endsWith('.json')) continue;
      n++;
      bytes += statSync(join(dir, shard, f)).size;
    }
  }
  return bytes / n;
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const cases = opts.quick ? 40 : 3000;
  const connections = opts.quick ? 4 : 20;
  const seconds = opts.quick ? 1 : 5;
  const rounds = opts.quick ? 1 : 5;
  const warmup = opts.quick ? 0 : 1;

  const servers = {
    fsync: await gongzhiServer(cases, 'fsync'),
    nofsync: await gongzhiServer(cases, 'nofsync'),
    memory: await gongzhiServer(cases, 'memory'),
    // creation on a server of its own: the cases a round creates (and their checkpoint) stay out of the event rows
    create: await gongzhiServer(0, 'fsync'),
    // the event request in two halves (bench/PROFILE.md): the server with the case's work taken out, and the case's
    // work without HTTP (the case service's send in a server process of its own)
    side: await gongzhiServer(cases, 'fsync', [], { GONGZHI_BENCH_SERVICE: 'fixed' }),
    service: await gongzhiServer(cases, 'fsync'),
  };
  /** The checkpoint that wrote what each creation round created, forced at the round's end: documents and ms. */
  const afterCreation: Record<string, number>[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'gongzhi-bench-koa-'));
  let koa: ServerChild | undefined;
  try {
    // the bare app answers with a real answer of the server: send one event and keep its body
    const synced = servers.fsync;
    const event = await firstEvent(synced);
    const created = await fetch(`${servers.create.child.url}/api/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${servers.create.child.token}` },
      body: CREATE_BODY,
    });
    if (created.status !== 201)
      throw new Error(`http bench: first creation → ${created.status} ${await created.text()}`);
    writeFileSync(join(scratch, 'sample.json'), JSON.stringify({ event, create: await sampleAnswer(created) }));
    koa = await spawnServer(['koa', join(scratch, 'sample.json')]);
    const koaPool = new CasePool(synced.child.ids);
    const k = koa;

    /** Each contender: its label, its server (whose CPU per request is read around its rounds), one round. */
    const contenders: [string, ServerChild, () => Promise<LoadFigures>][] = [
      [
        'Gongzhi (file store, fsync on: the default)',
        servers.fsync.child,
        () => servers.fsync.run(connections, seconds),
      ],
      ['Gongzhi, fsync off (GONGZHI_FSYNC=0)', servers.nofsync.child, () => servers.nofsync.run(connections, seconds)],
      [
        'Gongzhi, in-memory store (no disk; for comparison)',
        servers.memory.child,
        () => servers.memory.run(connections, seconds),
      ],
      [
        'bare Koa (read + JSON.parse + answer)',
        k,
        async () => {
          const f = await load(k.url, k.token, koaPool, connections, seconds);
          await koaPool.settle();
          return f;
        },
      ],
      [
        'creation: Gongzhi (file store, fsync on)',
        servers.create.child,
        async () => {
          const { child } = servers.create;
          const f = await loadCreate(child.url, child.token, connections, seconds);
          afterCreation.push(await child.command('checkpoint'));
          return f;
        },
      ],
      ['creation: bare Koa (read + JSON.parse + answer)', k, () => loadCreate(k.url, k.token, connections, seconds)],
      [
        "events, Gongzhi's HTTP side only (the case's work taken out: the route answers the case's stored view)",
        servers.side.child,
        () => servers.side.run(connections, seconds),
      ],
      [
        `events, the case's work without HTTP (the case service's send in the server process, ${connections} in flight)`,
        servers.service.child,
        async () => {
          const { child } = servers.service;
          const a = await child.command(`service ${seconds}`);
          await child.command('settle');
          const { p50, p99, max } = a;
          return {
            rps: a.events / seconds,
            p50,
            p99,
            max,
            firstMax: max,
            openMax: max,
            responses: a.events,
            failures: 0,
          };
        },
      ],
    ];
    const figures = contenders.map(() => [] as LoadFigures[]);
    /** Per contender and round: the server's CPU µs per request, all its threads and its main thread. */
    const cpu = contenders.map(() => [] as { all: number; main: number }[]);
    const series = await alternate(
      contenders.map(([label, server, f], i) => ({
        label,
        sample: async () => {
          const c0 = cpuOf(server.proc.pid!);
          const x = await f();
          const c1 = cpuOf(server.proc.pid!);
          const n = x.responses;
          cpu[i].push({ all: (1e6 * (c1.all - c0.all)) / n, main: (1e6 * (c1.main - c0.main)) / n });
          if (process.env.BENCH_DEBUG)
            console.error(`http: ${label}: ${x.rps.toFixed(0)} req/s, p99 ${x.p99.toFixed(1)} ms`);
          figures[i].push(x);
          return x.rps;
        },
      })),
      { rounds, warmup },
    );

    const failures = figures.flat().reduce((n, x) => n + x.failures, 0);
    if (failures) throw new Error(`http bench: ${failures} requests failed (non-2xx, errors or timeouts)`);
    const med = (i: number, key: 'p50' | 'p99') => median(figures[i].slice(warmup).map((x) => x[key]));
    const [g, u, m, b, gc, bc] = series;
    const share = pairedRatio(g, b);
    const p99 = med(0, 'p99');
    const createShare = pairedRatio(gc, bc);
    const createP99 = med(4, 'p99');
    const perCase = (srv: typeof servers.fsync) => srv.pool.ok / cases;
    const cpuMed = (i: number, key: 'all' | 'main') => median(cpu[i].slice(warmup).map((x) => x[key]));
    const rows = series.flatMap((s, i) => [
      { label: `${s.label}: requests/s`, value: s.median, unit: 'req/s' },
      { label: '  p50 latency', value: med(i, 'p50'), unit: 'ms' },
      { label: '  p99 latency', value: med(i, 'p99'), unit: 'ms' },
      { label: '  server CPU per request, its main thread', value: cpuMed(i, 'main'), unit: 'µs' },
      { label: '  server CPU per request, all its threads', value: cpuMed(i, 'all'), unit: 'µs' },
    ]);
    await servers.fsync.child.stop(); // closing checkpoints: every case's document is then up to date
    rows.push(
      { label: 'events per case by the end (fsync on)', value: perCase(servers.fsync), unit: 'events' },
      { label: 'mean case file by the end (fsync on)', value: meanCaseFileBytes(servers.fsync.dataDir), unit: 'bytes' },
      {
        label: 'creation: documents written by the checkpoint after a round',
        value: median(afterCreation.map((x) => x.documents)),
        unit: 'documents',
      },
      {
        label: '  that checkpoint, time',
        value: median(afterCreation.map((x) => x.ms)) / 1000,
        unit: 's',
      },
    );
    return {
      name: 'http',
      title: 'HTTP 吞吐与延迟 HTTP throughput and latency (POST /api/instances/:id/events)',
      rows,
      ratios: [
        {
          label: 'Gongzhi / bare Koa, requests/s',
          value: share,
          target: `≥ ${TARGET_RPS_SHARE}`,
          met: share >= TARGET_RPS_SHARE,
        },
        {
          label: `Gongzhi p99 latency / ${TARGET_P99_MS} ms`,
          value: p99 / TARGET_P99_MS,
          target: '< 1',
          met: p99 < TARGET_P99_MS,
        },
        {
          label: 'bare Koa / Gongzhi, main-thread CPU per request (events, fsync on)',
          value: median(cpu[3].slice(warmup).map((x, r) => x.main / cpu[0][warmup + r].main)),
        },
        {
          label: "Gongzhi's HTTP side only / bare Koa, main-thread CPU per request",
          value: median(cpu[6].slice(warmup).map((x, r) => x.main / cpu[3][warmup + r].main)),
        },
        {
          label: "the case's work in the server (events, fsync on, less the HTTP side) / without HTTP, main-thread CPU",
          value: median(
            cpu[7].slice(warmup).map((x, r) => (cpu[0][warmup + r].main - cpu[6][warmup + r].main) / x.main),
          ),
        },
        { label: 'Gongzhi fsync off / bare Koa, requests/s', value: pairedRatio(u, b) },
        { label: 'Gongzhi in-memory store / bare Koa, requests/s', value: pairedRatio(m, b) },
        { label: 'Gongzhi / Gongzhi in-memory store, requests/s', value: pairedRatio(g, m) },
        {
          label: 'creation: Gongzhi / bare Koa, requests/s',
          value: createShare,
          target: `≥ ${TARGET_CREATE_SHARE}`,
          met: createShare >= TARGET_CREATE_SHARE,
        },
        {
          label: `creation: Gongzhi p99 latency / ${TARGET_CREATE_P99_MS} ms`,
          value: createP99 / TARGET_CREATE_P99_MS,
          target: '< 1',
          met: createP99 < TARGET_CREATE_P99_MS,
        },
      ],
      notes: [
        `Workload: ${cases.toLocaleString('en-US')} national grid-event cases per Gongzhi server, started in \`dispatch\` through the case service; each request sends the case's next event of the loop ASSIGN (→ handling) / RETURN (→ dispatch) with the admin token. A request takes the next free case and gives it back on its answer, so no case is hit by two connections at once and the events spread evenly over the cases: by the end each case had taken ≈ ${perCase(servers.fsync).toFixed(0)} events with fsync on (≈ ${perCase(servers.nofsync).toFixed(0)} with fsync off, ≈ ${perCase(servers.memory).toFixed(0)} in memory); each event adds one history entry to the case's record, which the store appends whole to its journal (and rewrites in the case's document at the next checkpoint). Every answer is checked: a single non-2xx answer fails the benchmark.`,
        `Each server runs alone in its own Node process (\`bench/http-server.ts\`, started once, idle while another is measured) with the Node flags of \`npm start\` (${startFlags().join(' ') || 'none'}; bare Koa too); autocannon runs in the benchmark process with ${connections} connections, pipelining 1, keep-alive; the client and the servers share the machine's cores.`,
        'Bare Koa: Koa + @koa/router, the same two POST routes (an event, a creation) that read the body, JSON.parse it and send the same bytes as the Gongzhi server: a real answer of it taken at the start (its status, its headers — security headers, X-Request-Id, ETag, Location — and its body, id and rev replaced by values of the same length); no auth, no validation, no store, no engine.',
        `Creation rows: \`POST /api/instances\` of a national grid-event case (the start data of the store benchmark) on a Gongzhi server of their own (file store, fsync on, started empty), ${connections} connections; every answer must be 201. After each of its rounds that server writes what the round created to the cases' documents (a checkpoint, forced then and timed: the rows above), so that work is not done during another contender's round; the creation figures are those of the round itself. Likewise after each event round a checkpoint that round started is waited for before the next round: with fsync on, ${servers.fsync.settled.length} of ${rounds + warmup} rounds ended with one running (the longest waited for ${(Math.max(0, ...servers.fsync.settled) / 1000).toFixed(1)} s).`,
        "Gongzhi: the whole server as started by startServer: error and auth middleware (token cache), router, body limits and depth check, ajv body validation, case lock, the case’s record (store cache or its document), engine step, new record appended to the shared journal with group commit (one synced write, O_DSYNC, for the events of a moment; fsync off skips the sync), summary and scheduler, answer with the allowed events; case documents are rewritten at checkpoints (every 60 s, at 64 MiB of journal or when 20,000 records wait; on a thread of their own). The in-memory row is the same server with the store's in-memory twin (`store: 'memory'`, records kept as JSON text): what everything but the disk costs.",
        `Latency: per request in the client, from building the request to its answer being parsed (sub-millisecond resolution); p50 and p99 are medians over the rounds. Requests/s: completed answers ÷ run time. Each sample is one ${seconds} s run; ${rounds} rounds after ${warmup} warm-up round, order rotating; ratio = median of per-round ratios.`,
        "The event request in two halves (bench/PROFILE.md): Gongzhi's HTTP side only is a server like the fsync row's whose event route answers the case's view as stored at the start, without the case's work (no engine, store or journal; GONGZHI_BENCH_SERVICE=fixed in bench/http-server.ts): what Node's HTTP, Koa, the middleware, auth, the body and its checks and the answer cost. The case's work without HTTP is the case service's `send` called in a server process of its own, the same event loop, as many events in flight as connections; its latency is the time in `send`. Neither is a way to run the server.",
        "Server CPU per request: the user + system time the contender's server process used during its round (/proc), ÷ the answers of the round; its main thread alone (where Node runs every request, and what bounds a process's requests/s) and all its threads (with libuv's pool writing the journal, V8's collector helpers and the checkpoint's writers); medians over the rounds. A Gongzhi round counts the work it leaves: an event round the checkpoint it started (waited for at its end), a creation round the checkpoint that writes what it created. Unlike requests/s, these do not count the time a server waited for a core while the client and the other threads held both: on a shared machine they move less from round to round. The \"main-thread CPU\" ratio is the share of bare Koa the event rows would reach if the main thread were all that limited them.",
      ],
    };
  } finally {
    await Promise.allSettled([...Object.values(servers).map((x) => x.stop()), koa?.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  }
}
