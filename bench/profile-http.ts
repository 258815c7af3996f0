/**
 * CPU profile of the Gongzhi server under the HTTP benchmark's load (the server process only):
 *   node --import tsx bench/profile-http.ts [seconds] [fsync|nofsync|memory] [cases] [top]
 *   (BENCH_LOAD=create: the creation path instead of events; BENCH_CONNECTIONS: other than 20 connections)
 *   node --import tsx bench/profile-http.ts <file.cpuprofile> <requests>     (categories of a profile taken before)
 * Writes bench/out/CPU.*.cpuprofile, prints the hottest functions (bench/cpuprofile-top.ts) and the server's
 * main-thread time per request by category (the samples of the load only: warm-up and measured run). fs work done
 * on libuv's thread pool (the kernel side of open, write, fsync, rename) is not in a main-thread profile: see the
 * process CPU figures printed first.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gongzhiServer, loadCreate, type Storage } from './http-load';
import { categorise, summarise, within, type Category, type Profile } from './cpuprofile-top';

/** Categories in the order a sample is tried (the first whose pattern matches a frame of its stack wins): inner work first. */
export const HTTP_CATEGORIES: Category[] = [
  [
    'journal: line encoding (JSON.stringify of the change), freeze, group commit (writev, fdatasync)',
    /^(put|lineOf|freezeRecord|idemDelta|instanceChange|sameKeys) store\/(file|lines)\.ts|^deepFreeze util\/freeze\.ts|^(append|flush|kick|cutBack) store\/journal\.ts|^(writev|datasync) fs\/promises/,
  ],
  [
    'store: the case read (cache, or its document) and the transaction (lock, delta, timers, outbox, stats index)',
    /store\/(embedded|file|indexed|summaries|stats-index|memory)\.ts|keyed-lock\.ts|time\/heap\.ts|^(readFileSync|readFile)/,
  ],
  [
    'engine: step or start (XState transition, rules, data, deadlines)',
    /^(step|start|stepCore|startCore) engine\/|engine\/(step|start|session|pure|apply|rules|guards)\.ts|xstate|json-rules-engine/,
  ],
  ['new record: history entry, outbox rows, idempotency (stepDelta)', /cases\/commit\.ts/],
  [
    'answer body: instance view, allowed events with their payload schemas',
    /^(instanceView|allowedEvents|handledEvents|activeLeaves) /,
  ],
  ['fingerprint (stableStringify + SHA-256)', /^(stableStringify|sha256) util\/ids\.ts/],
  ['request body: read, depth check, JSON.parse', /^(readJson|readRaw|jsonDepth) http\/body\.ts/],
  ['request body: schema validation (ajv)', /^(check|validator|readQuery) http\/route\.ts/],
  ['auth: token lookup (the middleware and the token cache, own time)', /auth\/tokens\.ts/, 'leaf'],
  [
    'request id, metrics (prom-client), request log (pino)',
    /server\/log\.ts|prom-client|pino|server\/metrics\.ts|^randomUUID/,
    'leaf',
  ],
  ['security headers (helmet)', /helmet/],
  [
    'answer: Koa respond (JSON.stringify of the body, headers, socket write)',
    /^respond .*application\.js|^handleResponse/,
  ],
  [
    'HTTP in Node and Koa (parse, route, middleware, headers)',
    /_http_|application\.js|koa-compose|layer\.js|router\.js|node:net|stream_base|streams\/|delegates|koa\/lib/,
  ],
  ['garbage collection', /^\(garbage collector\)/],
  ['V8 and native work outside JS frames ("(program)")', /^\(program\)/],
  ['idle', /^\(idle\)/],
];
export const STARTUP = /^(createGongzhi|gongzhi|startServer) |module_job|^evaluate :0/;

const cpu = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(f[11]) / 100, sys: Number(f[12]) / 100 };
};

/** CPU seconds (user + system) of each thread of a process, by thread name (threads of one name added up). */
const threads = (pid: number) => {
  const out = new Map<string, number>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.split(') ')[1].split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
};

/** Seconds the main thread of a process spent runnable but waiting for a core (/proc/<pid>/schedstat). */
const runQueueWait = (pid: number) => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;

/**
 * Prints the profile's hottest functions and its main-thread time per request by category. With `window` (µs of the
 * monotonic clock), only the samples taken then count: the load's own time. Without it (a profile taken before),
 * start-up is left out by its frames (`STARTUP`), which misses its work after an `await` (pack loading, the cases
 * created before the load): those samples land in `other`.
 */
function report(file: string, requests: number, top: number, window?: [number, number]): void {
  const whole = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const profile = window ? within(whole, window[0], window[1]) : whole;
  console.log(`${file}${window ? ` (the load's ${((window[1] - window[0]) / 1e6).toFixed(1)} s only)` : ''}\n`);
  console.log(summarise(profile, top));
  console.log(`\nmain thread per request (${requests} requests, ${window ? 'the load only' : 'start-up excluded'})`);
  for (const c of categorise(profile, HTTP_CATEGORIES, window ? undefined : STARTUP))
    console.log(`${((1000 * c.ms) / requests).toFixed(0).padStart(6)} µs  ${c.label}`);
}

async function profileRun(seconds: number, storage: Storage, cases: number, top: number): Promise<void> {
  const dir = fileURLToPath(new URL('./out', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const before = new Set(readdirSync(dir));
  const srv = await gongzhiServer(cases, storage, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  let requests = 0;
  let window: [number, number] = [0, 0];
  try {
    const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
    // BENCH_LOAD=create: the creation path (POST /api/instances of a grid-event case) instead of events
    const creating = process.env.BENCH_LOAD === 'create';
    const run = (secs: number) =>
      creating ? loadCreate(srv.child.url, srv.child.token, connections, secs) : srv.run(connections, secs);
    const us = () => Number(process.hrtime.bigint() / 1000n); // the profile's clock (CLOCK_MONOTONIC)
    window = [us(), 0];
    requests += (await run(2)).responses; // warm-up
    const pid = srv.child.proc.pid!;
    const c0 = cpu(pid);
    const th0 = threads(pid);
    const client0 = process.cpuUsage();
    const wait0 = runQueueWait(pid);
    const t0 = performance.now();
    const f = await run(seconds);
    const dt = (performance.now() - t0) / 1000;
    window[1] = us();
    const c1 = cpu(pid);
    const th1 = threads(pid);
    const client = process.cpuUsage(client0);
    const waited = runQueueWait(pid) - wait0;
    requests += f.responses;
    console.log(
      `Gongzhi (${storage}, ${creating ? 'creations' : 'events'}, ${connections} connections): ${Math.round(f.rps)} req/s, p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms over ${seconds} s, ${f.failures} failures`,
    );
    console.log(
      `server process CPU (all threads): user ${((100 * (c1.user - c0.user)) / dt).toFixed(0)} %, system ${((100 * (c1.sys - c0.sys)) / dt).toFixed(0)} % of one core; ${((1e6 * (c1.user - c0.user + c1.sys - c0.sys)) / f.responses).toFixed(0)} µs per request`,
    );
    // where the cores went: the server's threads (main, libuv's pool, V8's helpers), and this process (the client)
    const shares = [...th1]
      .map(([name, t]) => [name, (t - (th0.get(name) ?? 0)) / dt] as const)
      .filter(([, x]) => x >= 0.001)
      .sort((x, y) => y[1] - x[1]);
    console.log(
      `server threads (share of one core): ${shares.map(([name, x]) => `${name} ${(100 * x).toFixed(0)} %`).join(', ')}; client (autocannon, this process) ${((100 * (client.user + client.system)) / 1e6 / dt).toFixed(0)} %; load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    console.log(
      `server main thread: on a core ${((100 * ((th1.get('node') ?? 0) - (th0.get('node') ?? 0))) / dt).toFixed(0)} % of the time, runnable but waiting for a core ${((100 * waited) / dt).toFixed(0)} % (${((1e6 * waited) / f.responses).toFixed(0)} µs per request; /proc schedstat), the rest blocked (waiting for I/O or requests)`,
    );
  } finally {
    await srv.stop();
  }
  const fresh = readdirSync(dir)
    .filter((n) => n.endsWith('.cpuprofile') && !before.has(n))
    .sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size); // the main thread's (tsx's loader thread writes one too)
  if (!fresh.length) throw new Error('no profile written');
  report(join(dir, fresh[0]), requests, top, window);
}

const [first, second, third, fourth] = process.argv.slice(2);
if (first?.endsWith('.cpuprofile')) report(first, Number(second), 30);
else await profileRun(Number(first ?? 10), (second ?? 'fsync') as Storage, Number(third ?? 3000), Number(fourth ?? 30));
