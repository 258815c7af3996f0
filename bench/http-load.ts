/**
 * The HTTP benchmarks' load harness (bench/http.ts, http-ab.ts, profile-http.ts, http-variants.ts, checkpoint.ts):
 * server processes of bench/http-server.ts started with `npm start`'s Node flags and driven by commands on stdin, the
 * pool that keeps a grid-event case off two connections at once, and autocannon loads of events and of creations.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon, { type Request, type Result } from 'autocannon';
import { GRID_DATA, LOOP, nextInLoop, type LoopEvent } from './grid-event';
import type { SampleAnswer } from './http-server';

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
  /** Sends a command of bench/http-server.ts (`checkpoint`, `settle`, `service <seconds>`) and resolves with its answer. */
  command(cmd: string): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export { cpuOf } from './proc-cpu';

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
  /**
   * The slowest of the connections' first answers, and the slowest of the others. A connection's first answer is
   * timed from before it connects (autocannon starts its clock when it builds the request), so it includes the TCP
   * set-up and the wait in the listening socket's accept queue, which a server's request handling does not control;
   * the others are answers on open connections (bench/PROFILE.md, "A connection's first answer").
   */
  firstMax: number;
  openMax: number;
  responses: number;
  failures: number;
}

/**
 * The answer times of one run. A connection's first answer is kept apart from the rest: autocannon emits `response`
 * with the client right after calling the request's onResponse for the same answer, so `client` names the connection
 * of the time `add` took last.
 */
class Answers {
  private readonly times: number[] = [];
  private readonly counts = new WeakMap<object, number>();
  private last = 0;
  private firstMax = 0;
  private openMax = 0;

  add(ms: number): void {
    this.last = ms;
    this.times.push(ms);
  }

  client(c: object): void {
    const n = this.counts.get(c) ?? 0;
    this.counts.set(c, n + 1);
    if (n === 0) this.firstMax = Math.max(this.firstMax, this.last);
    else this.openMax = Math.max(this.openMax, this.last);
  }

  figures(res: Result, failures: number): LoadFigures {
    const t = this.times.sort((a, b) => a - b);
    const pct = (p: number) => t[Math.min(t.length - 1, Math.floor((p / 100) * t.length))] ?? Number.NaN;
    return {
      rps: res.requests.total / res.duration,
      p50: pct(50),
      p99: pct(99),
      max: t[t.length - 1] ?? Number.NaN,
      firstMax: this.firstMax,
      openMax: this.openMax,
      responses: res.requests.total,
      failures,
    };
  }
}

/**
 * One autocannon run of `request` against `url` (`connections`, one request in flight on each, `seconds`), each answer
 * timed from when its request is built (autocannon's own clock starts there too) and kept in the run's Answers.
 */
async function run(
  url: string,
  connections: number,
  seconds: number,
  request: Request,
): Promise<{ res: Result; answers: Answers }> {
  const answers = new Answers();
  const timed: Request = {
    ...request,
    setupRequest(req, ctx) {
      ctx.t0 = performance.now();
      return request.setupRequest ? request.setupRequest(req, ctx) : req;
    },
    onResponse(status, body, ctx, headers) {
      answers.add(performance.now() - (ctx.t0 as number));
      request.onResponse?.(status, body, ctx, headers);
    },
  };
  const res = await new Promise<Result>((resolve, reject) => {
    const opts = { url, connections, pipelining: 1, duration: seconds, timeout: 30, requests: [timed] };
    autocannon(opts, (e, r) => (e ? reject(e) : resolve(r))).on('response', (client) => answers.client(client));
  });
  return { res, answers };
}

/** One autocannon run of `seconds` against `url` with `connections`, requests drawn from `pool`. */
export async function load(
  url: string,
  token: string,
  pool: CasePool,
  connections: number,
  seconds: number,
): Promise<LoadFigures> {
  const { res, answers } = await run(url, connections, seconds, {
    method: 'POST',
    setupRequest(req, ctx) {
      const i = pool.take();
      ctx.case = i;
      return {
        ...req,
        method: 'POST',
        path: `/api/instances/${pool.ids[i]}/events`,
        body: BODIES[pool.next[i]],
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      };
    },
    onResponse(status, _body, ctx) {
      pool.give(ctx.case as number, status === 200);
    },
  });
  return answers.figures(res, res.non2xx + res.errors + res.timeouts);
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
  let bad = 0;
  const { res, answers } = await run(url, connections, seconds, {
    method: 'POST',
    path: '/api/instances',
    body: CREATE_BODY,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    onResponse(status) {
      if (status !== 201) bad++;
    },
  });
  return answers.figures(res, bad + res.errors + res.timeouts);
}

/** A case's current state (`GET /api/instances/:id`; anything but 200 is an error). */
export async function stateOf(url: string, token: string, id: string): Promise<string> {
  const r = await fetch(`${url}/api/instances/${id}`, { headers: { authorization: `Bearer ${token}` } });
  if (r.status !== 200) throw new Error(`http bench: GET ${id} → ${r.status}`);
  return ((await r.json()) as { state: string }).state;
}

/** A real answer (status, headers, body), for the bare app to send the same bytes. */
export async function sampleAnswer(r: Response): Promise<SampleAnswer> {
  const text = await r.text();
  return {
    status: r.status,
    headers: Object.fromEntries(r.headers.entries()),
    body: JSON.parse(text) as Record<string, unknown>,
  };
}

/** Sends one event of the loop to a case of `srv`'s pool and answers with Gongzhi's answer (it must be 200). */
export async function firstEvent(srv: { child: ServerChild; pool: CasePool }): Promise<SampleAnswer> {
  const i = srv.pool.take();
  const answer = await fetch(`${srv.child.url}/api/instances/${srv.pool.ids[i]}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${srv.child.token}` },
    body: BODIES[srv.pool.next[i]],
  });
  if (answer.status !== 200) throw new Error(`http bench: first event → ${answer.status} ${await answer.text()}`);
  srv.pool.give(i, true);
  return sampleAnswer(answer);
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
    /**
     * One round of the event load; it ends settled: every case back in its pool and a checkpoint the round started
     * finished, so no work of this round runs in the next contender's.
     */
    run: async (connections: number, seconds: number) => {
      const f = await load(child.url, child.token, pool, connections, seconds);
      await new Promise((r) => setTimeout(r, 200));
      await pool.settle((id) => stateOf(child.url, child.token, id));
      if (storage !== 'memory') {
        const { ms } = await child.command('settle');
        if (ms > 1) settled.push(ms);
      }
      return f;
    },
    async stop() {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
