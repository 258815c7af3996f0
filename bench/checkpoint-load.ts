/**
 * The checkpoint benchmark's server process (bench/checkpoint-server.ts, npm start's Node flags, answering commands
 * on fd 3) and its mixed load (bench/checkpoint.ts, the memory part).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { BODIES, CasePool, startFlags, stateOf } from './http-load';
import { GRID_DATA } from './grid-event';

const SCRIPT = fileURLToPath(new URL('./checkpoint-server.ts', import.meta.url));

export interface Child {
  url: string;
  token: string;
  ids: string[];
  ask(cmd: string): Promise<Record<string, unknown>>;
  /** The answer to a command sent before, as a promise (for a command that runs while the load goes on). */
  send(cmd: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
  /** SIGKILL (the store is left as a crash leaves it). */
  kill(): Promise<void>;
}

export async function server(dataDir: string, mode: 'manual' | 'auto'): Promise<Child> {
  const proc: ChildProcess = spawn(
    process.execPath,
    // npm start's Node flags (the young generation's size), as the HTTP benchmark's servers
    [
      ...startFlags(),
      '--expose-gc',
      '--max-old-space-size=8192',
      // more V8 flags for the server, to look inside a run (e.g. --trace-gc-nvp); never set in the reported runs
      ...(process.env.BENCH_SERVER_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
      '--import',
      'tsx',
      SCRIPT,
      dataDir,
      mode,
    ],
    // its answers on fd 3; its stdout (V8's tracing, if asked for) and stderr pass through
    { stdio: ['pipe', 'inherit', 'inherit', 'pipe'] },
  );
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  const rl: Interface = createInterface({ input: proc.stdio[3] as Readable });
  const waiting = new Map<string, ((o: Record<string, unknown>) => void)[]>();
  let ready: ((o: Record<string, unknown>) => void) | null = null;
  const first = new Promise<Record<string, unknown>>((res, rej) => {
    ready = res;
    proc.once('exit', (code) => rej(new Error(`checkpoint-server exited with ${code}`)));
  });
  rl.on('line', (l) => {
    const o = JSON.parse(l) as Record<string, unknown>;
    if (ready) {
      const r = ready;
      ready = null;
      r(o);
    } else waiting.get(o.cmd as string)?.shift()?.(o);
  });
  const hello = (await first) as { url: string; token: string; ids: string[] };
  const send = (cmd: string) =>
    new Promise<Record<string, unknown>>((res) => {
      if (!waiting.has(cmd)) waiting.set(cmd, []);
      waiting.get(cmd)!.push(res);
      proc.stdin!.write(`${cmd}\n`);
    });
  return {
    ...hello,
    send,
    ask: send,
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      proc.stdin!.end();
      const t = setTimeout(() => proc.kill('SIGKILL'), 600_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** A mixed load: per connection, the cycle event, read, event, creation, event. */
export async function mixed(
  c: Child,
  pool: CasePool,
  connections: number,
  seconds: number,
): Promise<{ rps: number; failures: number; created: number }> {
  let created = 0;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${c.token}` };
  const event = {
    method: 'POST' as const,
    setupRequest(req: Record<string, unknown>, ctx: Record<string, unknown>) {
      const i = pool.take();
      ctx.case = i;
      return {
        ...req,
        method: 'POST',
        path: `/api/instances/${pool.ids[i]}/events`,
        body: BODIES[pool.next[i]],
        headers,
      };
    },
    onResponse(status: number, b: string, ctx: Record<string, unknown>) {
      if (status !== 200 && process.env.BENCH_DEBUG) console.error('event', status, b.slice(0, 300));
      pool.give(ctx.case as number, status === 200);
    },
  };
  const read = {
    method: 'GET' as const,
    setupRequest() {
      return {
        method: 'GET',
        path: `/api/instances/${pool.ids[Math.floor(Math.random() * pool.ids.length)]}`,
        headers: { authorization: headers.authorization },
      };
    },
  };
  const create = {
    method: 'POST' as const,
    path: '/api/instances',
    headers,
    body: JSON.stringify({ pack: 'national', procedure: 'grid-event', data: GRID_DATA }),
    onResponse(status: number, body: string) {
      if (status === 201) created++;
      else if (process.env.BENCH_DEBUG) console.error('create', status, body.slice(0, 200));
    },
  };
  const res = await autocannon({
    url: c.url,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 60,
    requests: [event, read, event, create, event] as never,
  });
  await new Promise((r) => setTimeout(r, 200));
  await pool.settle((id) => stateOf(c.url, c.token, id));
  return { rps: res.requests.total / res.duration, failures: res.non2xx + res.errors + res.timeouts, created };
}
