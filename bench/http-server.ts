/**
 * One HTTP server of the HTTP benchmark, in its own process (spawned by bench/http-load.ts), so the load generator
 * and the server do not share an event loop:
 *   node --import tsx bench/http-server.ts gongzhi <dataDir> <cases> [fsync 1|0|memory]
 *   node --import tsx bench/http-server.ts koa <samples.json>
 * gongzhi: the real server (startServer, embedded file store) with <cases> grid-event cases started through the
 * case service, each in state `dispatch` (`memory`: the store's in-memory twin, no disk at all). koa: a bare Koa app
 * with the same two POST routes (an event, a creation) that read and JSON.parse the body and send the same bytes as
 * Gongzhi: a real answer of each kind (status, headers, body; id and rev replaced by values of the same length).
 * Prints one JSON line `{url, token, ids, sample}` when ready; then answers commands on stdin, one a line (a Gongzhi
 * server's `checkpoint`, `settle`, `service <seconds>`); closes and exits when stdin ends (so a CPU profile taken with
 * --cpu-prof is written). GONGZHI_BENCH_SERVICE=fixed: the HTTP benchmark's "HTTP side only" server (see `gongzhi`).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { ADMIN, GRID_DATA, LOOP, NOW, nextInLoop, type LoopEvent } from './grid-event';
import { percentile } from './measure';
import { cpuOf } from './proc-cpu';
import type { CaseService } from '../server/cases/service';
import type { InstanceView } from '../server/cases/view';
import type { EventSendBody } from '../server/contract';
import type { EmbeddedStore } from '../server/store/embedded';
import { FileInstanceStore } from '../server/store/file';

async function gongzhi(dataDir: string, count: number, storage: '1' | '0' | 'memory') {
  const { startServer } = await import('../server/app');
  const srv = await startServer({
    port: 0,
    dataDir,
    packsDir: 'configs/packs',
    adminToken: 'bench-admin',
    controlledClock: true,
    now: NOW,
    quiet: true,
    log: () => {},
    fsync: storage !== '0',
    store: storage === 'memory' ? 'memory' : 'file',
    // no time trigger: between its rounds this server sits idle while the other contenders are measured, and a
    // checkpoint its 60 s timer started then (3,000 documents, 1–3 s of a writer thread and the kernel) ran in their
    // rounds — once bare Koa's (8,944 req/s against ~12,200). Its size triggers stay the store's defaults, so the
    // checkpoints a sustained load makes (64 MiB of journal, ≈ 13 s of this load) still run in its own rounds and
    // count there; under such a load the size trigger fires before the 60 s timer would (bench/PROFILE.md)
    checkpoint: { ms: 1e9 },
  });
  const ids: string[] = [];
  for (let i = 0; i < count; i += 16) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(16, count - i) }, () =>
        srv.deps.cases.start(ADMIN, { pack: 'national', procedure: 'grid-event', data: GRID_DATA }),
      ),
    );
    for (const r of batch) {
      if (r.instance.state !== 'dispatch')
        throw new Error(`http-server: a new grid-event case is in ${r.instance.state}, not dispatch`);
      ids.push(r.instance.id);
    }
  }
  const records = (srv.deps.store as EmbeddedStore).records;
  // between the benchmark's rounds: work a round left behind is finished before the next contender is measured
  const commands: Commands = records instanceof FileInstanceStore ? fileCommands(records) : {};
  const next = ids.map((): LoopEvent => 'ASSIGN'); // where each case is in the loop of `service`
  commands.service = (seconds) => serviceLoop(srv.deps.cases, ids, next, Number(seconds ?? 5));
  // the HTTP benchmark's "HTTP side only" (never set otherwise): the event route answers each case's view as stored
  // at the start, without the case's work (no engine, store or journal); the rest of the server (middleware, auth,
  // the body and its checks, the answer) as it is
  if (process.env.GONGZHI_BENCH_SERVICE === 'fixed') {
    const views = new Map<string, InstanceView>();
    for (const id of ids) views.set(id, await srv.deps.cases.get(ADMIN, id));
    const fixed = async (_auth: unknown, id: string) => views.get(id) ?? srv.deps.cases.get(ADMIN, id);
    Object.assign(srv.deps.cases, { send: fixed });
  }
  return { url: srv.url, token: srv.adminToken, ids, close: () => srv.close(), commands };
}

/**
 * `service <seconds>`, the event path without HTTP (bench/http.ts, bench/busy-core.ts): `send` of the case service on
 * this server's cases, the benchmark's ASSIGN/RETURN loop, 20 events in flight (as the HTTP load's 20 connections).
 * Answers with the events sent, the main thread's CPU seconds and each event's time in `send` (p50, p99, max; ms).
 * `next` says where each case is in the loop (kept between calls; every event of a call has its answer before the call
 * ends). A server used for this is not given HTTP event rounds: their pool would not know where the cases are.
 */
async function serviceLoop(cases: CaseService, ids: string[], next: LoopEvent[], seconds: number) {
  let k = 0;
  const until = performance.now() + 1000 * seconds;
  const ms: number[] = [];
  const worker = async () => {
    while (performance.now() < until) {
      const i = k++ % ids.length;
      const e = next[i];
      const t0 = performance.now();
      // a fresh body each time, as a request's parse gives
      await cases.send(ADMIN, ids[i], structuredClone(LOOP[e]) as EventSendBody, { requestId: randomUUID() });
      ms.push(performance.now() - t0);
      next[i] = nextInLoop(e);
    }
  };
  const c0 = cpuOf(process.pid).main;
  await Promise.all(Array.from({ length: 20 }, worker));
  const mainSeconds = cpuOf(process.pid).main - c0;
  return { events: ms.length, mainSeconds, p50: percentile(ms, 50), p99: percentile(ms, 99), max: percentile(ms, 100) };
}

/** The commands a server answers on stdin, by name: each resolves with the JSON line to answer. */
type Commands = Record<string, (arg?: string) => Promise<Record<string, number>>>;

/**
 * `checkpoint`: writes every record waiting for its document now (after a creation round: what the round created);
 * `settle`: waits for a checkpoint still running (one an event round started), without starting one. Each answers
 * with the records that were waiting and the milliseconds it took.
 */
function fileCommands(records: FileInstanceStore): Commands {
  const timed = async (wait: () => Promise<void> | null) => {
    const documents = records.held.dirty;
    const t0 = performance.now();
    await wait();
    return { documents, ms: performance.now() - t0 };
  };
  return {
    checkpoint: () => timed(() => records.checkpoint()),
    settle: () => timed(() => records.running),
  };
}

/** A real answer of the Gongzhi server: its status, headers and body (bench/http.ts takes one of each kind). */
export interface SampleAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Headers that belong to the connection or are set by Node/Koa themselves. */
const OWN_HEADERS = new Set([
  'date',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'content-type',
]);

async function bareKoa(samplePath: string) {
  const samples = JSON.parse(readFileSync(samplePath, 'utf8')) as { event: SampleAnswer; create: SampleAnswer };
  const router = new Router();
  let rev = 0;
  let n = 0;
  // the same bytes as Gongzhi: its headers (security headers, request id, ETag, Location) and a body of the same size
  const answer = (ctx: Koa.Context, s: SampleAnswer, id: string, r: number) => {
    for (const [k, v] of Object.entries(s.headers)) if (!OWN_HEADERS.has(k)) ctx.set(k, v);
    ctx.set('X-Request-Id', crypto.randomUUID());
    ctx.set('ETag', `"${r}"`);
    if (s.headers.location) ctx.set('Location', `/api/instances/${id}`);
    ctx.status = s.status;
    ctx.body = { ...s.body, id, rev: r };
  };
  const readBody = async (ctx: Koa.Context) => {
    const chunks: Buffer[] = [];
    for await (const c of ctx.req) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  };
  router.post('/api/instances/:id/events', async (ctx) => {
    const body = await readBody(ctx);
    if (typeof body.type !== 'string') ctx.throw(400, 'type');
    answer(ctx, samples.event, ctx.params.id, ++rev);
  });
  router.post('/api/instances', async (ctx) => {
    const body = await readBody(ctx);
    if (typeof body.pack !== 'string' || typeof body.procedure !== 'string') ctx.throw(400, 'pack');
    const id = String(samples.create.body.id).slice(0, -6) + String(++n).padStart(6, '0'); // same length as a real id
    answer(ctx, samples.create, id, 1);
  });
  const app = new Koa();
  app.use(router.routes());
  const server: Server = createServer(app.callback());
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    token: 'none',
    ids: [] as string[],
    commands: {} as Commands,
    close: () =>
      new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1]?.endsWith('http-server.ts')) {
  // experiments of bench/SERVER-NOTES.md only (bench/server-variants.ts); never set by the benchmark itself
  if (process.env.GONGZHI_BENCH_VARIANTS)
    (await import('./server-variants')).applyVariants(process.env.GONGZHI_BENCH_VARIANTS.split(','));
  const [mode, arg, count, storageArg] = process.argv.slice(2);
  const running =
    mode === 'gongzhi'
      ? await gongzhi(arg, Number(count), (storageArg ?? '1') as '1' | '0' | 'memory')
      : mode === 'koa'
        ? await bareKoa(arg)
        : null;
  if (!running) {
    console.error('usage: http-server.ts gongzhi <dataDir> <cases> [1|0|memory] | koa <sample.json>');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify({ url: running.url, token: running.token, ids: running.ids })}\n`);
  // then one command a line on stdin (see fileCommands), each answered by one JSON line on stdout
  const { commands } = running;
  createInterface({ input: process.stdin })
    .on('line', async (line) => {
      const [name, arg] = line.trim().split(/\s+/);
      const cmd = commands[name];
      process.stdout.write(`${JSON.stringify(cmd ? await cmd(arg) : { error: `unknown command: ${line}` })}\n`);
    })
    .on('close', async () => {
      await running.close();
      process.exit(0);
    });
}
