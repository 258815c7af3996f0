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
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { alternate, median, pairedRatio } from './measure';
import { GRID_DATA, LOOP, nextInLoop, type LoopEvent } from './grid-event';
import type { SampleAnswer } from './http-server';
import type { BenchOptions, BenchResult } from './types';

const TARGET_RPS_SHARE = 0.4;
const TARGET_P99_MS = 10;
const TARGET_CREATE_SHARE = 0.3;
const TARGET_CREATE_P99_MS = 20;
const SERVER_SCRIPT = fileURLToPath(new URL('./http-server.ts', import.meta.url));

export const BODIES: Record<LoopEvent, string> = {
  ASSIGN: JSON.stringify(LOOP.ASSIGN),
  RETURN: JSON.stringify(LOOP.RETURN),
};

export interface ServerChild {
  url: string;
  token: string;
  ids: string[];
  proc: ChildProcess;
  /** Sends a command of bench/http-server.ts (a Gongzhi server's `checkpoint` or `settle`) and resolves with its answer. */
  command(cmd: string): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/**
 * The Node flags `npm start` runs the server with (package.json's start script, e.g. the young generation's size):
 * the benchmark's servers run with the same, so it measures the server as production starts it.
 */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string };
  };
  const words = pkg.scripts.start.split(/\s+/);
  if (words[0] !== 'node') throw new Error(`http bench: the start script does not run node: ${pkg.scripts.start}`);
  const flags: string[] = [];
  for (let i = 1; i < words.length && words[i].startsWith('--'); i++) {
    if (words[i] === '--import')
      i++; // the TypeScript loader: spawnServer adds it
    else flags.push(words[i]);
  }
  return flags;
}

/**
 * Starts bench/http-server.ts with `args` and the start script's Node flags; resolves once it printed its address.
 * `checkout`: another checkout's http-server.ts, run from its own folder (bench/http-ab.ts).
 */
export async function spawnServer(
  args: string[],
  nodeArgs: string[] = [],
  env: Record<string, string> = {},
  checkout?: string,
): Promise<ServerChild> {
  const script = checkout ? join(checkout, 'bench/http-server.ts') : SERVER_SCRIPT;
  const proc = spawn(process.execPath, [...startFlags(), ...nodeArgs, '--import', 'tsx', script, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
    ...(checkout ? { cwd: checkout } : {}),
  });
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  const line = await new Promise<string>((res, rej) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.once('line', (l) => {
      rl.close();
      res(l);
    });
    proc.once('exit', (code) => rej(new Error(`http-server ${args[0]} exited with ${code} before it was ready`)));
  });
  const ready = JSON.parse(line) as { url: string; token: string; ids: string[] };
  // the answers to commands, one line each, in order
  const answers: ((line: string) => void)[] = [];
  createInterface({ input: proc.stdout! }).on('line', (l) => answers.shift()?.(l));
  return {
    ...ready,
    proc,
    command(cmd: string) {
      return new Promise((res, rej) => {
        answers.push((l) => {
          const a = JSON.parse(l) as Record<string, number> & { error?: string };
          if (a.error) rej(new Error(`http-server: ${a.error}`));
          else res(a);
        });
        proc.stdin!.write(`${cmd}\n`);
      });
    },
    async stop() {
      proc.stdin!.end();
      const timer = setTimeout(() => proc.kill('SIGKILL'), 120_000); // closing checkpoints every case written since the last one
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Which case the next request goes to, and which event it sends there (ASSIGN in dispatch, RETURN in handling). */
export class CasePool {
  private readonly free: number[];
  private head = 0;
  readonly next: LoopEvent[];
  readonly inFlight = new Set<number>();
  ok = 0;

  constructor(readonly ids: string[]) {
    this.free = ids.map((_, i) => i);
    this.next = ids.map(() => 'ASSIGN');
  }

  take(): number {
    if (this.head >= this.free.length) throw new Error('http bench: no free case (more connections than cases?)');
    const i = this.free[this.head++];
    if (this.head > 4096) {
      this.free.splice(0, this.head);
      this.head = 0;
    }
    this.inFlight.add(i);
    return i;
  }

  give(i: number, applied: boolean): void {
    if (!this.inFlight.delete(i)) return;
    if (applied) {
      this.next[i] = nextInLoop(this.next[i]);
      this.ok++;
    }
    this.free.push(i);
  }

  /** After a run: the requests cut off at its end; `stateOf` says where each of those cases now is. */
  async settle(stateOf?: (id: string) => Promise<string>): Promise<void> {
    for (const i of [...this.inFlight]) {
      if (stateOf) {
        const state = await stateOf(this.ids[i]);
        if (state !== 'dispatch' && state !== 'handling')
          throw new Error(`http bench: case ${this.ids[i]} is in ${state}`);
        this.next[i] = state === 'dispatch' ? 'ASSIGN' : 'RETURN';
      }
      this.inFlight.delete(i);
      this.free.push(i);
    }
  }
}

export interface LoadFigures {
  rps: number;
  p50: number;
  p99: number;
  /** The slowest answer of the run. */
  max: number;
  responses: number;
  failures: number;
}

/** One autocannon run of `seconds` against `url` with `connections`, requests drawn from `pool`. */
export async function load(
  url: string,
  token: string,
  pool: CasePool,
  connections: number,
  seconds: number,
): Promise<LoadFigures> {
  const latencies: number[] = [];
  const res = await autocannon({
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest(req, ctx) {
          const i = pool.take();
          ctx.case = i;
          ctx.t0 = performance.now();
          return {
            ...req,
            method: 'POST',
            path: `/api/instances/${pool.ids[i]}/events`,
            body: BODIES[pool.next[i]],
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          };
        },
        onResponse(status, _body, ctx) {
          latencies.push(performance.now() - (ctx.t0 as number));
          pool.give(ctx.case as number, status === 200);
        },
      },
    ],
  });
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
  return {
    rps: res.requests.total / res.duration,
    p50: pct(50),
    p99: pct(99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    responses: res.requests.total,
    failures: res.non2xx + res.errors + res.timeouts,
  };
}

/** The creation request of the benchmark: a national grid-event case, as an integrator starts one. */
export const CREATE_BODY = JSON.stringify({ pack: 'national', procedure: 'grid-event', data: GRID_DATA });

/** One autocannon run of case creations (`POST /api/instances`); every answer must be 201. */
export async function loadCreate(
  url: string,
  token: string,
  connections: number,
  seconds: number,
): Promise<LoadFigures> {
  const latencies: number[] = [];
  let bad = 0;
  const res = await autocannon({
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/api/instances',
        body: CREATE_BODY,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        setupRequest(req, ctx) {
          ctx.t0 = performance.now();
          return req;
        },
        onResponse(status, _body, ctx) {
          latencies.push(performance.now() - (ctx.t0 as number));
          if (status !== 201) bad++;
        },
      },
    ],
  });
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
  return {
    rps: res.requests.total / res.duration,
    p50: pct(50),
    p99: pct(99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    responses: res.requests.total,
    failures: bad + res.errors + res.timeouts,
  };
}

/** A real answer (status, headers, body) for the bare app to send the same bytes. */
async function sampleAnswer(r: Response): Promise<SampleAnswer> {
  const text = await r.text();
  return {
    status: r.status,
    headers: Object.fromEntries(r.headers.entries()),
    body: JSON.parse(text) as Record<string, unknown>,
  };
}

async function stateOf(url: string, token: string, id: string): Promise<string> {
  const r = await fetch(`${url}/api/instances/${id}`, { headers: { authorization: `Bearer ${token}` } });
  if (r.status !== 200) throw new Error(`http bench: GET ${id} → ${r.status}`);
  return ((await r.json()) as { state: string }).state;
}

/** A Gongzhi server child with `cases` fresh grid-event cases, and its case pool. */
export type Storage = 'fsync' | 'nofsync' | 'memory';

export async function gongzhiServer(
  cases: number,
  storage: Storage,
  nodeArgs: string[] = [],
  env: Record<string, string> = {},
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-http-'));
  const child = await spawnServer(
    ['gongzhi', dataDir, String(cases), storage === 'fsync' ? '1' : storage === 'nofsync' ? '0' : 'memory'],
    nodeArgs,
    env,
  );
  const pool = new CasePool(child.ids);
  const settled: number[] = [];
  return {
    child,
    pool,
    dataDir,
    /** How long each checkpoint still running at the end of a round was waited for (ms). */
    settled,
    run: async (connections: number, seconds: number) => {
      const f = await load(child.url, child.token, pool, connections, seconds);
      await new Promise((r) => setTimeout(r, 200));
      await pool.settle((id) => stateOf(child.url, child.token, id));
      return f;
    },
    /** After a round on this server: a checkpoint it started is finished before the next contender's round. */
    async settle() {
      if (storage === 'memory') return;
      const { ms } = await child.command('settle');
      if (ms > 1) settled.push(ms);
    },
    async stop() {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

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
  };
  /** The checkpoint that wrote what each creation round created, forced at the round's end: documents and ms. */
  const afterCreation: Record<string, number>[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'gongzhi-bench-koa-'));
  let koa: ServerChild | undefined;
  try {
    // the bare app answers with a real answer of the server: send one event and keep its body
    const synced = servers.fsync;
    const first = synced.pool.take();
    const answer = await fetch(`${synced.child.url}/api/instances/${synced.pool.ids[first]}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${synced.child.token}` },
      body: BODIES.ASSIGN,
    });
    if (answer.status !== 200) throw new Error(`http bench: first event → ${answer.status} ${await answer.text()}`);
    const event = await sampleAnswer(answer);
    synced.pool.give(first, true);
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

    const contenders: [string, () => Promise<LoadFigures>][] = [
      [
        'Gongzhi (file store, fsync on: the default)',
        async () => {
          const f = await servers.fsync.run(connections, seconds);
          await servers.fsync.settle();
          return f;
        },
      ],
      [
        'Gongzhi, fsync off (GONGZHI_FSYNC=0)',
        async () => {
          const f = await servers.nofsync.run(connections, seconds);
          await servers.nofsync.settle();
          return f;
        },
      ],
      ['Gongzhi, in-memory store (no disk; for comparison)', () => servers.memory.run(connections, seconds)],
      [
        'bare Koa (read + JSON.parse + answer)',
        async () => {
          const f = await load(k.url, k.token, koaPool, connections, seconds);
          await koaPool.settle();
          return f;
        },
      ],
      [
        'creation: Gongzhi (file store, fsync on)',
        async () => {
          const { child } = servers.create;
          const f = await loadCreate(child.url, child.token, connections, seconds);
          afterCreation.push(await child.command('checkpoint'));
          return f;
        },
      ],
      ['creation: bare Koa (read + JSON.parse + answer)', () => loadCreate(k.url, k.token, connections, seconds)],
    ];
    const figures = contenders.map(() => [] as LoadFigures[]);
    const series = await alternate(
      contenders.map(([label, f], i) => ({
        label,
        sample: async () => {
          const x = await f();
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
    const rows = series.flatMap((s, i) => [
      { label: `${s.label}: requests/s`, value: s.median, unit: 'req/s' },
      { label: '  p50 latency', value: med(i, 'p50'), unit: 'ms' },
      { label: '  p99 latency', value: med(i, 'p99'), unit: 'ms' },
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
        "Gongzhi: the whole server as started by startServer: error and auth middleware (token cache), router, body limits and depth check, ajv body validation, case lock, the case’s record (store cache or its document), engine step, new record appended to the shared journal with group commit (one fdatasync for the events of a moment; fsync off skips it), summary and scheduler, answer with the allowed events; case documents are rewritten at checkpoints (every 60 s, at 64 MiB of journal or when 20,000 records wait; on a thread of their own). The in-memory row is the same server with the store's in-memory twin (`store: 'memory'`, records kept as JSON text): what everything but the disk costs.",
        `Latency: per request in the client, from building the request to its answer being parsed (sub-millisecond resolution); p50 and p99 are medians over the rounds. Requests/s: completed answers ÷ run time. Each sample is one ${seconds} s run; ${rounds} rounds after ${warmup} warm-up round, order rotating; ratio = median of per-round ratios.`,
      ],
    };
  } finally {
    await Promise.allSettled([...Object.values(servers).map((x) => x.stop()), koa?.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  }
}
