/**
 * Assembles the server: registry, packs, store, case service, scheduler, outbox, auth and routes, and starts it.
 * Start-up order: open the registry → load packs from disk (new versions where files changed) → open the store →
 * queue every armed deadline and undelivered webhook → fire deadlines already due → listen.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import type { AppDeps } from './deps';
import { Registry } from './registry';
import { PackCatalog } from './packs/catalog';
import { loadPacksRoot } from './packs/load';
import { FileInstanceStore, MemoryInstanceStore, type InstanceStore } from './store';
import { summarize } from './cases/summarize';
import { CaseService } from './cases/service';
import { Tokens, authMiddleware } from './auth/tokens';
import { ControlledClock, systemClock, type Clock } from './time/clock';
import { Scheduler } from './time/scheduler';
import { Outbox, fetchSender, type HttpSender } from './webhooks/outbox';
import { errorBody, errorMiddleware, fail } from './http/errors';
import { serveDesigner } from './http/static';
import { systemRoutes } from './routes/system';
import { packRoutes } from './routes/packs';
import { instanceRoutes } from './routes/instances';
import { webhookRoutes } from './routes/webhooks';
import { CalendarService } from './calendar/service';
import { calendarRoutes } from './calendar/routes';

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
  /** `memory`: the in-memory twin (nothing on disk but the registry). */
  store?: 'file' | 'memory';
  designerDir?: string;
  quiet?: boolean;
  log?: (msg: string) => void;
  sender?: HttpSender;
  webhookRetryBaseMs?: number;
  webhookMaxAttempts?: number;
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
  close(): Promise<void>;
}

export async function createGongzhi(opts: ServerOptions): Promise<{ app: Koa; router: Router; deps: AppDeps; admin: ReturnType<Tokens['adminToken']> }> {
  const log = opts.log ?? ((m: string) => console.error(m));
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const fsync = opts.fsync ?? true;
  const registry = new Registry(dataDir, fsync);
  await registry.open();
  const tokens = new Tokens(registry);
  const admin = tokens.adminToken(dataDir, opts.adminToken);
  const clock: Clock = opts.controlledClock ? new ControlledClock(registry, opts.now) : systemClock;

  const catalog = new PackCatalog(registry, dataDir, fsync);
  catalog.open();
  const sources = loadPacksRoot(opts.packsDir ?? 'configs/packs', (e) => log(`✗ 配置包无法读取 / pack unreadable: ${e.message}`));
  const loaded = await catalog.loadFromDisk(sources, clock.now().toISOString());
  for (const p of loaded.problems) log(`✗ [${p.code ?? 'INVALID'}] ${p.path}: ${p.message['zh-CN']} / ${p.message.en}`);

  const store: InstanceStore = opts.store === 'memory'
    ? new MemoryInstanceStore(summarize)
    : new FileInstanceStore({ dir: join(dataDir, 'instances'), fsync, summarize, log });
  await store.open();

  let scheduler!: Scheduler;
  let outbox!: Outbox;
  const cases = new CaseService({
    store, catalog, registry, clock, log,
    hooks: {
      committed(record, rows) {
        scheduler.track(store.summary(record.instance.id)!);
        if (rows.length) outbox.enqueue(record.instance.id, rows);
      },
    },
  });
  scheduler = new Scheduler(clock, (id, name, dueAt) => cases.fireTimer(id, name, dueAt), log);
  outbox = new Outbox({
    store, registry, log, sender: opts.sender ?? fetchSender(),
    settle: (caseId, rowId, dead) => cases.settleOutbox(caseId, rowId, dead),
    retryBaseMs: opts.webhookRetryBaseMs, maxAttempts: opts.webhookMaxAttempts,
  });
  for (const s of store.summaries()) if (s.timers.length) scheduler.track(s);
  // a year whose holiday data changed since running cases followed it (a new notice file): recompute their deadlines
  const calendarService = new CalendarService({ catalog, registry, cases, store, scheduler, clock, log });
  await calendarService.reconcile();
  // a bundle import or a publish may bring calendar files too: running cases follow them at once
  catalog.onCommitted(() => calendarService.reconcile());
  await scheduler.fireDue(clock.now());
  await outbox.recover();

  const deps: AppDeps = { store, registry, catalog, cases, tokens, clock, scheduler, outbox, log };
  const router = new Router();
  systemRoutes(router, deps);
  packRoutes(router, deps);
  instanceRoutes(router, deps);
  webhookRoutes(router, deps);
  calendarRoutes(router, deps, calendarService);

  const app = new Koa();
  app.proxy = false;
  app.use(errorMiddleware(log));
  app.use(authMiddleware(tokens));
  app.use(router.routes());
  // allowedMethods acts after the rest answered 404: a known path with another method becomes 405
  app.use(router.allowedMethods({
    throw: true,
    notImplemented: () => fail('METHOD_NOT_ALLOWED', '不支持的请求方法', 'method not implemented'),
    methodNotAllowed: () => fail('METHOD_NOT_ALLOWED', '该路径不支持此请求方法', 'method not allowed on this path'),
  }));
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/api/') && ctx.path !== '/api') return next();
    ctx.status = 404;
    ctx.body = errorBody('NOT_FOUND', { 'zh-CN': `接口不存在:${ctx.method} ${ctx.path}`, en: `no such endpoint: ${ctx.method} ${ctx.path}` });
  });
  app.use(serveDesigner(opts.designerDir ?? resolve('designer/dist')));
  return { app, router, deps, admin };
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { app, router, deps, admin } = await createGongzhi(opts);
  const server = createServer(app.callback());
  server.keepAliveTimeout = 5_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port ?? 3000, host, () => res());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | null = null;
  return {
    url, port, adminToken: admin.token, adminTokenGenerated: admin.generated, adminTokenFile: admin.file, deps, router, server,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 3_000);
        await closed;
        clearTimeout(force);
        await deps.scheduler.stop();
        await deps.outbox.stop();
        await deps.cases.lock.idle();
        await deps.store.close();
      })();
      return closing;
    },
  };
}
