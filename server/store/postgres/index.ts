/**
 * The PostgreSQL store (`GONGZHI_STORE=postgres`, `GONGZHI_PG_URL`): the seam of seam.ts on the `pg` driver with
 * plain parameterised SQL, shared by any number of server processes.
 *
 * Change notices: every process polls `gz_changes` (a counter per topic, bumped in the transaction of each
 * registry or clock change) every `pollMs`, and on each poll also wakes its scheduler and deliverer, which then
 * look at their queues. With NOTIFY on (the default; `GONGZHI_PG_NOTIFY=0` turns it off, e.g. on openGauss or
 * behind a transaction-pooling proxy) a LISTEN connection wakes them at once as well. Correctness never depends on
 * a notice: they only shorten waits.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ChangeTopic, Store } from '../seam';
import { LocalChanges } from '../embedded';
import { migrate } from './migrate';
import { PgCases } from './cases';
import { PgOutbox, PgTimers } from './queues';
import { PgCatalog, PgDrafts, PgSettings, PgTokens, PgWebhooks, type Bump } from './registry';
import { num } from './sql';
import { fold, recount } from './stats-index';

export interface PgStoreOptions {
  url: string;
  /** LISTEN/NOTIFY to shorten waits (default true). */
  notify?: boolean;
  /** How often the change counters are polled (default 500 ms). */
  pollMs?: number;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** How often the figures' counter deltas are folded (default 1000 ms; store/postgres/stats-index.ts). */
  foldMs?: number;
  log?: (msg: string) => void;
}

const TOPICS: ChangeTopic[] = ['timers', 'outbox', 'registry', 'clock'];

export class PgStore implements Store {
  readonly kind = 'postgres' as const;
  readonly shared = true;
  /** This process's name in leases. */
  readonly owner = `${process.pid}-${randomBytes(4).toString('hex')}`;
  readonly pool: pg.Pool;
  readonly changes = new LocalChanges();
  readonly cases: PgCases;
  readonly timers: PgTimers;
  readonly outbox: PgOutbox;
  readonly catalog: PgCatalog;
  readonly drafts: PgDrafts;
  readonly tokens: PgTokens;
  readonly webhooks: PgWebhooks;
  readonly settings: PgSettings;
  private readonly notify: boolean;
  private listener: pg.Client | null = null;
  private poller: NodeJS.Timeout | null = null;
  private folder: NodeJS.Timeout | null = null;
  private folding: Promise<unknown> = Promise.resolve();
  private seen = new Map<string, number>();
  private closed = false;

  constructor(private readonly o: PgStoreOptions) {
    this.notify = o.notify ?? true;
    this.pool = new pg.Pool({ connectionString: o.url, max: o.poolSize ?? 10 });
    // an idle connection dropped by the server: the pool replaces it; say so rather than crash
    this.pool.on('error', (e) => o.log?.(`! PostgreSQL 连接断开 / connection lost: ${e.message}`));
    const bump: Bump = async (c, topic) => {
      await c.query('UPDATE gz_changes SET n = n + 1 WHERE topic = $1', [topic]);
      if (this.notify) await c.query('SELECT pg_notify($1, $2)', ['gongzhi', topic]);
      queueMicrotask(() => this.changes.emit(topic));
    };
    this.cases = new PgCases(this.pool, this.notify, (d) => {
      if (d.timers.arm.length) this.changes.emit('timers');
      if (d.outbox.length) this.changes.emit('outbox');
    });
    this.timers = new PgTimers(this.pool);
    this.outbox = new PgOutbox(this.pool, async (c) => {
      if (this.notify) await c.query("SELECT pg_notify('gongzhi', 'outbox')");
      queueMicrotask(() => this.changes.emit('outbox'));
    });
    this.catalog = new PgCatalog(this.pool, bump);
    this.drafts = new PgDrafts(this.pool, bump);
    this.tokens = new PgTokens(this.pool, bump);
    this.webhooks = new PgWebhooks(this.pool, bump);
    this.settings = new PgSettings(this.pool, bump);
  }

  async open(): Promise<void> {
    await migrate(this.pool);
    this.seen = await this.counters();
    // a database that held cases before the figures' counters existed has them counted once (migration 003)
    const due = await this.pool.query("SELECT value FROM gz_settings WHERE key = 'stats.recount'");
    if (due.rows.length) {
      const r = await recount(this.pool);
      this.o.log?.(`统计计数已按 ${r.cases} 件案件重新计算 / figures counted again from ${r.cases} cases`);
    }
    const foldLoop = () => {
      this.folder = setTimeout(() => {
        this.folding = fold(this.pool)
          .catch((e) => this.o.log?.(`! 统计汇总失败 / folding the figures failed: ${(e as Error).message}`))
          .finally(() => {
            if (!this.closed) foldLoop();
          });
      }, this.o.foldMs ?? 1000);
      this.folder.unref();
    };
    foldLoop();
    if (this.notify) await this.listen();
    const tick = () => {
      this.poller = setTimeout(() => {
        void this.poll()
          .catch((e) => this.o.log?.(`! 变更轮询失败 / change poll failed: ${(e as Error).message}`))
          .finally(() => {
            if (!this.closed) tick();
          });
      }, this.o.pollMs ?? 500);
      this.poller.unref();
    };
    tick();
  }

  private async counters(): Promise<Map<string, number>> {
    const r = await this.pool.query('SELECT topic, n FROM gz_changes');
    return new Map(r.rows.map((x) => [x.topic as string, num(x.n)]));
  }

  private async poll(): Promise<void> {
    const now = await this.counters();
    for (const [topic, n] of now) {
      if (this.seen.get(topic) !== n && TOPICS.includes(topic as ChangeTopic)) this.changes.emit(topic as ChangeTopic);
    }
    this.seen = now;
    // queues are looked at on every poll: a deadline or delivery made due by another process is found even without NOTIFY
    this.changes.emit('timers');
    this.changes.emit('outbox');
  }

  private async listen(): Promise<void> {
    const c = new pg.Client({ connectionString: this.o.url });
    c.on('error', (e) => {
      this.o.log?.(
        `! LISTEN 连接断开,改为轮询直至重连 / LISTEN connection lost, polling until it is back: ${e.message}`,
      );
      this.listener = null;
      if (!this.closed) setTimeout(() => void this.listen().catch(() => undefined), 1000).unref();
    });
    c.on('notification', (m) => {
      if (m.channel === 'gongzhi' && TOPICS.includes(m.payload as ChangeTopic))
        this.changes.emit(m.payload as ChangeTopic);
    });
    await c.connect();
    await c.query('LISTEN gongzhi');
    this.listener = c;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.poller) clearTimeout(this.poller);
    if (this.folder) clearTimeout(this.folder);
    await this.folding;
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
    await this.pool.end();
  }
}
