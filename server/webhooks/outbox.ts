/**
 * Delivers the outbox: every row written with a step is POSTed to its webhook until the receiver answers 2xx.
 * Signed twice: `Gongzhi-Signature: sha256=<HMAC of the raw body>`, and with `Gongzhi-Timestamp: <unix seconds>`,
 * `Gongzhi-Signature-Timestamped: sha256=<HMAC of "<timestamp>.<raw body>">` so receivers can refuse replays. Each
 * carries `Idempotency-Key: <row id>` (the same on every attempt) and the `X-Request-Id` of the call that caused it.
 *
 * Deliveries are claimed from the store's outbox queue (store/seam.ts) with a lease, so with several processes on one
 * store each delivery is attempted by one process at a time, and the deliveries of one case to one subscription go
 * out in history order (the queue hands out only the earliest pending one of each). Failures are retried with
 * exponential back-off (with jitter); after the last attempt the row is dead: kept in the store, listed and
 * redeliverable, and the next one of its case and subscription goes out. Rows live in the store: delivery is at
 * least once. Destinations are checked again at connection time (destinations.ts).
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { DeliveryClaim, Store } from '../store/seam';
import type { Webhook } from '../registry';
import { DestinationRefused, addressAllowed, guardedLookup, type AllowList } from './destinations';
import { platformTimers, type WakeTimers } from '../time/timers';

export interface HttpSender {
  post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number }>;
}

/** POSTs with node:http(s), refusing destinations outside the allowed addresses at connection time. */
export const httpSender = (allow: AllowList, timeoutMs = 10_000): HttpSender => ({
  post(url, body, headers) {
    return new Promise((resolve, reject) => {
      const u = new URL(url);
      // an address written in the URL is not looked up, so it is checked here
      const literal = u.hostname.replace(/^\[|\]$/g, '');
      if (isIP(literal) && !addressAllowed(literal, allow)) return reject(new DestinationRefused(literal, literal));
      const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
        u,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          lookup: guardedLookup(allow) as never,
          timeout: timeoutMs,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  },
});

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface OutboxOptions {
  store: Store;
  /** The subscription a delivery is for (kept current by the server); undefined when it was removed. */
  webhook(id: string): Webhook | undefined;
  sender: HttpSender;
  log: (msg: string) => void;
  /** This process's name in leases. */
  owner: string;
  retryBaseMs?: number;
  retryMaxMs?: number;
  maxAttempts?: number;
  concurrency?: number;
  /** How long a claimed delivery is held before another process may take it over (default 60 s, > the send timeout). */
  leaseMs?: number;
  /** Measures: a delivery answered 2xx (its row was written at `createdAt`); a delivery died. */
  observe?: { delivered?(createdAt: string): void; died?(): void };
  /** Where the wake-up for the next retry is set (default the platform's timers; tests move time by hand). */
  timers?: WakeTimers;
}

export class Outbox {
  private inFlight = 0;
  private timer: unknown = null;
  private pumping = false;
  private again = false;
  private stopped = false;
  private off: (() => void) | null = null;
  private readonly running = new Set<Promise<void>>();
  /** Claims under way (a pump: claim, or find the next retry and set the wake-up). */
  private readonly pumps = new Set<Promise<void>>();
  /** Waiting for the next pump to finish (idle). */
  private waiters: (() => void)[] = [];
  private readonly timers: WakeTimers;

  constructor(private readonly o: OutboxOptions) {
    this.timers = o.timers ?? platformTimers;
  }

  /** Starts following the queue. */
  start(): void {
    this.off = this.o.store.changes.on((t) => {
      if (t === 'outbox') this.pump();
    });
    this.pump();
  }

  /** Deliveries not yet delivered nor dead. */
  pending(): Promise<number> {
    return this.o.store.outbox.pending();
  }

  /** Resolves when nothing is in hand: no claim under way, no delivery in flight, the next wake-up set. */
  async quiet(): Promise<void> {
    while (this.pumps.size || this.running.size) await Promise.allSettled([...this.pumps, ...this.running]);
  }

  /**
   * Resolves when nothing is left to deliver (tests). Looks again after each pump — the outbox pumps on the store's
   * notices, when a retry falls due and after each delivery — instead of polling.
   */
  async idle(): Promise<void> {
    this.pump();
    for (;;) {
      // waiting is registered before looking, so a pump that ends after the look is not missed
      const pumped = new Promise<void>((r) => this.waiters.push(r));
      await this.quiet();
      if (!this.inFlight && (await this.o.store.outbox.pending()) === 0) return;
      await pumped;
    }
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    const pump = this.fill()
      .catch((e) => this.o.log(`✗ Webhook 队列读取失败 / outbox claim failed: ${(e as Error).message}`))
      .finally(() => {
        this.pumping = false;
        this.pumps.delete(pump);
        if (this.again) {
          this.again = false;
          this.pump();
        }
        if (!this.pumping) for (const w of this.waiters.splice(0)) w();
      });
    this.pumps.add(pump);
  }

  private async fill(): Promise<void> {
    const limit = this.o.concurrency ?? 4;
    if (this.inFlight >= limit) return;
    const now = Date.now();
    const claims = await this.o.store.outbox.claim({
      now,
      limit: limit - this.inFlight,
      leaseMs: this.o.leaseMs ?? 60_000,
      owner: this.o.owner,
    });
    for (const c of claims) {
      this.inFlight++;
      const p = this.deliver(c).finally(() => {
        this.inFlight--;
        this.running.delete(p);
        this.pump();
      });
      this.running.add(p);
    }
    if (claims.length) return;
    // nothing to do now: wake when the next retry is due (and on the store's notices)
    const next = await this.o.store.outbox.nextAt();
    if (this.timer) this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (next !== null && !this.stopped) {
      this.timer = this.timers.setTimeout(
        () => {
          this.timer = null;
          this.pump();
        },
        Math.min(Math.max(next - Date.now(), 20), 60_000),
      );
    }
  }

  private async deliver(c: DeliveryClaim): Promise<void> {
    const hook = this.o.webhook(c.webhook);
    const settle = this.o.store.outbox.settle.bind(this.o.store.outbox);
    try {
      if (!hook) {
        // the subscription was removed: nothing to deliver to
        await settle(c, this.o.owner, { status: 'dead', error: 'subscription removed', at: new Date().toISOString() });
        return;
      }
      let error: string;
      try {
        const body = JSON.stringify(c.body);
        const ts = String(Math.floor(Date.now() / 1000));
        const res = await this.o.sender.post(hook.url, body, {
          'content-type': 'application/json',
          'gongzhi-signature': sign(hook.secret, body),
          'gongzhi-timestamp': ts,
          'gongzhi-signature-timestamped': sign(hook.secret, `${ts}.${body}`),
          'idempotency-key': c.id,
          'gongzhi-event': c.type,
          ...(c.requestId ? { 'x-request-id': c.requestId } : {}),
          'user-agent': 'gongzhi-webhooks/1',
        });
        if (res.status >= 200 && res.status < 300) {
          if (await settle(c, this.o.owner, { status: 'delivered', at: new Date().toISOString() }))
            this.o.observe?.delivered?.(c.createdAt);
          return;
        }
        error = `HTTP ${res.status}`;
      } catch (e) {
        error = (e as Error).message || String(e);
      }
      const attempts = c.attempts + 1;
      const at = new Date().toISOString();
      if (attempts >= (this.o.maxAttempts ?? 12)) {
        this.o.log(
          `✗ Webhook 投递失败,已标记为 dead(可重新投递)/ delivery dead after ${attempts} attempts (kept, redeliverable): ${c.id} → ${hook.url}: ${error}`,
        );
        if (await settle(c, this.o.owner, { status: 'dead', error, at })) this.o.observe?.died?.();
      } else {
        const base = this.o.retryBaseMs ?? 1000;
        const delay = Math.min(base * 2 ** (attempts - 1), this.o.retryMaxMs ?? 15 * 60_000);
        await settle(c, this.o.owner, {
          status: 'retry',
          error,
          at,
          // whole milliseconds, as the clock reads: a fractional due time woke its timer a fraction before the
          // clock reached it, found nothing due and slept the 20 ms minimum again
          nextAt: Date.now() + Math.ceil(delay * (0.8 + 0.4 * Math.random())),
        });
      }
    } catch (e) {
      // the store could not record the outcome: the lease runs out and the delivery is tried again
      this.o.log(`✗ Webhook 投递结果未能记录 / delivery outcome not recorded ${c.id}: ${(e as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.off?.();
    if (this.timer) this.timers.clearTimeout(this.timer);
    await this.quiet();
    for (const w of this.waiters.splice(0)) w();
  }
}
