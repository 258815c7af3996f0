/**
 * Delivers the outbox: every row written with a step is POSTed to its webhook, signed (HMAC-SHA256 of the raw body
 * with the subscription's secret, header `Gongzhi-Signature: sha256=<hex>`), with `Idempotency-Key: <row id>`,
 * until the receiver answers 2xx. Deliveries are claimed from the store's outbox queue (store/seam.ts) with a lease,
 * so with several processes on one store each delivery is attempted by one process at a time, and the deliveries of
 * one case to one subscription go out in history order. Failures are retried with exponential back-off (with
 * jitter); after the last attempt the row is kept, marked dead. Rows live in the store: delivery is at least once.
 */
import { createHmac } from 'node:crypto';
import type { DeliveryClaim, Store } from '../store/seam';
import type { Webhook } from '../registry';

export interface HttpSender {
  post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number }>;
}

export const fetchSender = (timeoutMs = 10_000): HttpSender => ({
  async post(url, body, headers) {
    const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status };
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
}

export class Outbox {
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private again = false;
  private stopped = false;
  private off: (() => void) | null = null;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly o: OutboxOptions) {}

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

  /** Resolves when nothing is left to deliver (tests). */
  async idle(): Promise<void> {
    while ((await this.o.store.outbox.pending()) > 0 || this.inFlight) {
      this.pump();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.fill().catch((e) => this.o.log(`✗ Webhook 队列读取失败 / outbox claim failed: ${(e as Error).message}`)).finally(() => {
      this.pumping = false;
      if (this.again) {
        this.again = false;
        this.pump();
      }
    });
  }

  private async fill(): Promise<void> {
    const limit = this.o.concurrency ?? 4;
    if (this.inFlight >= limit) return;
    const now = Date.now();
    const claims = await this.o.store.outbox.claim({ now, limit: limit - this.inFlight, leaseMs: this.o.leaseMs ?? 60_000, owner: this.o.owner });
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (next !== null && !this.stopped) {
      this.timer = setTimeout(() => this.pump(), Math.min(Math.max(next - Date.now(), 20), 60_000));
      this.timer.unref();
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
        const res = await this.o.sender.post(hook.url, body, {
          'content-type': 'application/json',
          'gongzhi-signature': sign(hook.secret, body),
          'idempotency-key': c.id,
          'gongzhi-event': c.type,
          'user-agent': 'gongzhi-webhooks/1',
        });
        if (res.status >= 200 && res.status < 300) {
          await settle(c, this.o.owner, { status: 'delivered', at: new Date().toISOString() });
          return;
        }
        error = `HTTP ${res.status}`;
      } catch (e) {
        error = (e as Error).message;
      }
      const attempts = c.attempts + 1;
      if (attempts >= (this.o.maxAttempts ?? 12)) {
        this.o.log(`✗ Webhook 投递放弃 / delivery given up after ${attempts} attempts: ${c.id} → ${hook.url}: ${error}`);
        await settle(c, this.o.owner, { status: 'dead', error, at: new Date().toISOString() });
      } else {
        const base = this.o.retryBaseMs ?? 1000;
        const delay = Math.min(base * 2 ** (attempts - 1), this.o.retryMaxMs ?? 15 * 60_000);
        await settle(c, this.o.owner, { status: 'retry', error, nextAt: Date.now() + delay * (0.8 + 0.4 * Math.random()) });
      }
    } catch (e) {
      // the store could not record the outcome: the lease runs out and the delivery is tried again
      this.o.log(`✗ Webhook 投递结果未能记录 / delivery outcome not recorded ${c.id}: ${(e as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.off?.();
    if (this.timer) clearTimeout(this.timer);
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
