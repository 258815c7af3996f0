/**
 * Assembles the server: store, packs, case service, scheduler, outbox, auth and routes, and starts it.
 * Start-up order: open the store (the embedded one under DATA_DIR, or PostgreSQL) → load packs from disk (new
 * versions where files changed) → fire deadlines already due → follow the timer and outbox queues → listen.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import type { AppDeps } from './deps';
import { Registry } from './registry';
import { iso } from './time/iso';
import { createLogger, requestContext, textLog, type Logger } from './log';
import { Metrics } from './metrics';
import { WebhookService } from './webhooks/service';
import { parseAllowList } from './webhooks/destinations';
import { fail } from './errors';
import { PackCatalog } from './packs/catalog';
import { loadPacksRoot } from './packs/load';
import { FileInstanceStore, MemoryInstanceStore } from './store';
import type { Store } from './store/seam';
import { EmbeddedStore } from './store/embedded';
import { PgStore } from './store/postgres';
import { summarize } from './cases/summarize';
import { CaseService } from './cases/service';
import { Tokens, authMiddleware } from './auth/tokens';
import { ControlledClock, systemClock, type Clock } from './time/clock';
import { Scheduler } from './time/scheduler';
import { Outbox, httpSender, type HttpSender } from './webhooks/outbox';
import { Subscriptions } from './webhooks/subscriptions';
import { errorMiddleware } from './http/errors';
import { serveDesigner } from './http/static';
import { systemRoutes } from './routes/system';
import { packRoutes } from './routes/packs';
import { instanceRoutes } from './routes/instances';
import { countyRoutes } from './routes/county';
import { Migrations } from './cases/migrate';
import { webhookRoutes } from './routes/webhooks';
import { deskRoutes } from './routes/desk';
import { CalendarService } from './calendar/service';
import { calendarRoutes } from './calendar/routes';
import { lockDataDir } from './util/data-lock';
import { securityHeaders } from './http/security';

export interface ServerOptions {
  port?: number;
  host?: string;
  dataDir: string;
  packsDir?: string;
  adminToken?: string;
  controlledClock?: boolean;
  /** The controlled clock's starting instant (first start only; later starts resume where it was). */
  now?: string;
  /** fsync every write (default true). */
  fsync?: boolean;
  /** `memory`: the in-memory twin (nothing on disk but the registry); `postgres`: PostgreSQL at `pgUrl`. */
  store?: 'file' | 'memory' | 'postgres';
  /** With `store: 'postgres'`: the connection string (GONGZHI_PG_URL). */
  pgUrl?: string;
  /** With `store: 'postgres'`: LISTEN/NOTIFY to shorten waits (default true; GONGZHI_PG_NOTIFY=0 turns it off). */
  pgNotify?: boolean;
  /** With `store: 'postgres'`: how often other processes' changes are polled (default 500 ms). */
  pgPollMs?: number;
  designerDir?: string;
  quiet?: boolean;
  /** Plain-text log lines of the server's parts (default: the structured logger). */
  log?: (msg: string) => void;
  /** The structured logger (default: pino on stderr; silent when `quiet` and `log` are given). */
  logger?: Logger;
  sender?: HttpSender;
  webhookRetryBaseMs?: number;
  webhookMaxAttempts?: number;
  /** CIDR ranges webhooks may target although private, loopback or link-local (GONGZHI_WEBHOOK_ALLOW). */
  webhookAllow?: string;
  /** How long a claimed deadline or delivery is held before another process may take it (tests shorten them). */
  timerLeaseMs?: number;
  deliveryLeaseMs?: number;
  /** How long Idempotency-Key answers are kept, in ms (default and minimum 24 h; GONGZHI_IDEMPOTENCY_RETENTION_HOURS). */
  idempotencyRetentionMs?: number;
  /** The file store's checkpoint triggers (defaults: 60 s, 64 MiB of journal, 20,000 records or 64 Mi chars of JSON waiting; benchmarks change them). */
  checkpoint?: { ms?: number; bytes?: number; records?: number; heldChars?: number };
}

export interface RunningServer {
  url: string;
  port: number;
  adminToken: string;
  adminTokenGenerated: boolean;
  adminTokenFile: string;
  deps: AppDeps;
  router: Router;
  server: Server;
  /** The firing of the deadlines that were already due at start (in due order, after the server listens): how many fired. */
  overdue: Promise<number>;
  close(): Promise<void>;
}

/** The store the options name: the embedded one under `dataDir` (file or memory), or PostgreSQL. */
export function makeStore(opts: ServerOptions, dataDir: string, fsync: boolean, log: (m: string) => void): Store {
  if (opts.store === 'postgres') {
    if (!opts.pgUrl)
      throw new Error('GONGZHI_STORE=postgres 需要 GONGZHI_PG_URL / GONGZHI_STORE=postgres needs GONGZHI_PG_URL');
    return new PgStore({ url: opts.pgUrl, notify: opts.pgNotify, pollMs: opts.pgPollMs, log });
  }
  const registry = new Registry(dataDir, fsync);
  const records =
    opts.store === 'memory'
      ? new MemoryInstanceStore(summarize)
      : new FileInstanceStore({
          dir: join(dataDir, 'instances'),
          fsync,
          summarize,
          log,
          checkpointMs: opts.checkpoint?.ms,
          checkpointBytes: opts.checkpoint?.bytes,
          checkpointRecords: opts.checkpoint?.records,
          checkpointHeldChars: opts.checkpoint?.heldChars,
        });
  return new EmbeddedStore({
    kind: opts.store === 'memory' ? 'memory' : 'file',
    records,
    registry,
    versionsDir: join(dataDir, 'versions'),
    fsync,
    idempotencyRetentionMs: opts.idempotencyRetentionMs,
  });
}

export async function createGongzhi(
  opts: ServerOptions,
): Promise<{ app: Koa; router: Router; deps: AppDeps; admin: ReturnType<Tokens['adminToken']> }> {
  const logger = opts.logger ?? createLogger({ silent: !!(opts.quiet && opts.log) });
  const log = opts.log ?? textLog(logger);
  const allow = parseAllowList(opts.webhookAllow);
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  // one process owns a DATA_DIR: a second is refused here, before it reads or writes anything
  const dataLock = lockDataDir(dataDir);
  try {
    return await assemble(opts, dataDir, { log, logger, allow }, dataLock);
  } catch (e) {
    dataLock.release();
    throw e;
  }
}

async function assemble(
  opts: ServerOptions,
  dataDir: string,
  { log, logger, allow }: { log: (msg: string) => void; logger: Logger; allow: ReturnType<typeof parseAllowList> },
  dataLock: AppDeps['dataLock'],
) {
  const fsync = opts.fsync ?? true;
  const store = makeStore(opts, dataDir, fsync, log);
  await store.open();
  const owner = store instanceof PgStore ? store.owner : `${process.pid}`;
  const clock: Clock = opts.controlledClock ? await ControlledClock.open(store, opts.now) : systemClock;
  const tokens = new Tokens(store, () => clock.now(), log);
  const admin = tokens.adminToken(dataDir, opts.adminToken);

  const catalog = new PackCatalog(store);
  await catalog.open();
  const sources = loadPacksRoot(opts.packsDir ?? 'configs/packs', (e) =>
    log(`✗ 配置包无法读取 / pack unreadable: ${e.message}`),
  );
  const loaded = await catalog.loadFromDisk(sources, iso(clock.now()));
  for (const p of loaded.problems) log(`✗ [${p.code ?? 'INVALID'}] ${p.path}: ${p.message['zh-CN']} / ${p.message.en}`);

  const subscriptions = new Subscriptions(store);
  await subscriptions.open();
  const metrics = new Metrics({
    timers: () => store.timers.counts(clock.now()),
    outboxPending: () => store.outbox.pending(),
    outboxDead: () => store.outbox.dead(),
    openCases: () => store.cases.openCases(),
  });
  const seconds = (from: string) => Math.max(0, clock.now().getTime() - Date.parse(from)) / 1000;
  const cases = new CaseService({
    store,
    catalog,
    clock,
    log,
    webhooks: () => subscriptions.all(),
    hooks: {
      stepped(s) {
        if (s.refused) {
          const labels = { pack: s.pack, procedure: s.procedure };
          metrics.refusals.inc({ ...labels, code: s.refused });
          metrics.stepSeconds.observe(labels, s.ms / 1000);
        } else metrics.step(s.pack, s.procedure, s.ms / 1000);
      },
      stored: (ms) => metrics.storeSeconds.observe(ms / 1000),
      fired(dueAt) {
        metrics.timersFired.inc();
        metrics.timerLag.observe(seconds(dueAt));
      },
    },
  });
  const scheduler = new Scheduler(store, clock, (ref) => cases.expireTimer(ref), log, {
    owner,
    leaseMs: opts.timerLeaseMs,
  });
  const outbox = new Outbox({
    store,
    log,
    owner,
    sender: opts.sender ?? httpSender(allow),
    webhook: (id) => subscriptions.get(id),
    retryBaseMs: opts.webhookRetryBaseMs,
    maxAttempts: opts.webhookMaxAttempts,
    leaseMs: opts.deliveryLeaseMs,
    observe: {
      delivered: (createdAt) => metrics.deliverySeconds.observe(seconds(createdAt)),
      died: () => metrics.deliveriesDead.inc(),
    },
  });
  // a year whose holiday data changed since running cases followed it (a new notice file): recompute their deadlines
  const calendarService = new CalendarService({ catalog, store, cases, scheduler, clock, log });
  await calendarService.reconcile();
  // a bundle import or a publish may bring calendar files too: running cases follow them at once
  catalog.onCommitted(() => calendarService.reconcile());
  // deadlines already due are fired after the server listens (startServer), not before: see there
  scheduler.start();
  outbox.start();

  const webhooks = new WebhookService({ subscriptions, catalog, outbox: store.outbox, now: () => clock.now(), allow });

  const deps: AppDeps = {
    store,
    catalog,
    cases,
    tokens,
    subscriptions,
    clock,
    scheduler,
    outbox,
    webhooks,
    metrics,
    logger,
    log,
    dataLock,
  };
  const router = new Router();
  systemRoutes(router, deps);
  packRoutes(router, deps);
  instanceRoutes(router, deps);
  webhookRoutes(router, deps);
  deskRoutes(router, deps);
  calendarRoutes(router, deps, calendarService);
  countyRoutes(router, deps, new Migrations({ store, catalog, clock, webhooks: () => subscriptions.all() }));

  const app = new Koa();
  app.proxy = false;
  app.use(securityHeaders());
  app.use(requestContext(logger, metrics));
  app.use(errorMiddleware(logger, (code) => metrics.errors.inc({ code })));
  app.use(authMiddleware(tokens));
  app.use(router.routes());
  // allowedMethods acts after the rest answered 404: a known path with another method becomes 405
  app.use(
    router.allowedMethods({
      throw: true,
      notImplemented: () => fail('METHOD_NOT_ALLOWED', '不支持的请求方法', 'method not implemented'),
      methodNotAllowed: () => fail('METHOD_NOT_ALLOWED', '该路径不支持此请求方法', 'method not allowed on this path'),
    }),
  );
  app.use(serveDesigner(opts.designerDir ?? resolve('designer/dist')));
  return { app, router, deps, admin };
}

/** Why the server could not listen, in words an operator can act on (Chinese, then English). */
export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

function listenError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  if (e.code === 'EADDRINUSE') {
    return new ListenError(
      `端口 ${port} 已被占用(${where}):请停止占用它的程序,或用 PORT=<其他端口> 启动。\n` +
        `Port ${port} is already in use (${where}): stop the program using it, or start with PORT=<another port>.`,
      e.code,
    );
  }
  if (e.code === 'EACCES') {
    return new ListenError(
      `无权监听 ${where}:请换用 1024 以上的端口(PORT)。\nNot allowed to listen on ${where}: use a port above 1024 (PORT).`,
      e.code,
    );
  }
  if (e.code === 'EADDRNOTAVAIL') {
    return new ListenError(
      `本机没有地址 ${host}:请检查 HOST。\nThis machine has no address ${host}: check HOST.`,
      e.code,
    );
  }
  return e;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { app, router, deps, admin } = await createGongzhi(opts);
  const server = createServer(app.callback());
  server.keepAliveTimeout = 5_000;
  const host = opts.host ?? '127.0.0.1';
  try {
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(opts.port ?? 3000, host, () => res());
    });
  } catch (e) {
    await closeDeps(deps);
    throw listenError(e as NodeJS.ErrnoException, host, opts.port ?? 3000);
  }
  // listening first, then the deadlines that fell due while the server was down fire in the background, in due
  // order, each under its case's lock like any event: requests are answered meanwhile (a long outage can leave
  // thousands due)
  const overdue = deps.scheduler.expireDue(deps.clock.now()).catch((e) => {
    deps.log(`✗ 启动时触发到期期限失败 / firing the deadlines due at start failed: ${(e as Error).stack ?? e}`);
    return 0;
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    adminToken: admin.token,
    adminTokenGenerated: admin.generated,
    adminTokenFile: admin.file,
    deps,
    router,
    server,
    overdue,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 3_000);
        await closed;
        clearTimeout(force);
        await closeDeps(deps);
      })();
      return closing;
    },
  };
}

/** Stops the scheduler and the deliverer, lets work under way finish, and closes the store. */
export async function closeDeps(deps: AppDeps): Promise<void> {
  await deps.scheduler.stop();
  await deps.outbox.stop();
  await deps.tokens.flush();
  await deps.cases.lock.idle();
  deps.catalog.close();
  deps.tokens.close();
  deps.subscriptions.close();
  if (deps.clock instanceof ControlledClock) deps.clock.close();
  await deps.store.close();
  deps.dataLock.release();
}
