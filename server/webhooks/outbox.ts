/**
 * Delivers the outbox: every row written with a step is POSTed to its webhook, signed (HMAC-SHA256 of the raw body
 * with the subscription's secret, header `Gongzhi-Signature: sha256=<hex>`), with `Idempotency-Key: <row id>`,
 * until the receiver answers 2xx. Failures are retried with exponential back-off (with jitter); after the last
 * attempt the row is kept, marked dead. Rows live in the case records, so they survive a restart: delivery is at
 * least once.
 */
import { createHmac } from 'node:crypto';
import type { InstanceStore, OutboxRow } from '../store';
import type { Registry } from '../registry';

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
  store: InstanceStore;
  registry: Registry;
  sender: HttpSender;
  /** Removes a delivered row, or marks it dead, in its case record. */
  settle(caseId: string, rowId: string, dead?: NonNullable<OutboxRow['dead']>): Promise<void>;
  log: (msg: string) => void;
  retryBaseMs?: number;
  retryMaxMs?: number;
  maxAttempts?: number;
  concurrency?: number;
}

interface Job {
  caseId: string;
  row: OutboxRow;
  attempts: number;
  nextAt: number;
}

export class Outbox {
  private readonly jobs = new Map<string, Job>();
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly o: OutboxOptions) {}

  /** Queues rows of a case (after its write, or at start). */
  enqueue(caseId: string, rows: OutboxRow[]): void {
    for (const row of rows) {
      if (row.dead || this.jobs.has(row.id)) continue;
      this.jobs.set(row.id, { caseId, row, attempts: 0, nextAt: Date.now() });
    }
    this.pump();
  }

  /** At start: the undelivered rows of every stored case. */
  async recover(): Promise<number> {
    let n = 0;
    for (const s of this.o.store.summaries()) {
      if (!s.pending) continue;
      const rec = await this.o.store.get(s.id);
      const rows = rec?.outbox.filter((r) => !r.dead) ?? [];
      n += rows.length;
      this.enqueue(s.id, rows);
    }
    return n;
  }

  get size(): number {
    return this.jobs.size;
  }

  /** Resolves when nothing is queued (tests). */
  idle(): Promise<void> {
    if (!this.jobs.size) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const now = Date.now();
    const limit = this.o.concurrency ?? 4;
    let next = Infinity;
    for (const job of this.jobs.values()) {
      if (this.inFlight.has(job.row.id)) continue;
      if (job.nextAt <= now && this.inFlight.size < limit) void this.deliver(job);
      else next = Math.min(next, job.nextAt);
    }
    if (next !== Infinity) {
      this.timer = setTimeout(() => this.pump(), Math.max(next - now, 0));
      this.timer.unref();
    }
    if (!this.jobs.size) this.waiters.splice(0).forEach((w) => w());
  }

  private async deliver(job: Job): Promise<void> {
    this.inFlight.add(job.row.id);
    const hook = this.o.registry.data.webhooks.find((w) => w.id === job.row.webhook);
    let error = '';
    let done = false;
    try {
      if (!hook) {
        await this.o.settle(job.caseId, job.row.id); // the subscription was removed: nothing to deliver to
        this.jobs.delete(job.row.id);
        done = true;
        return;
      }
      const body = JSON.stringify(job.row.body);
      const res = await this.o.sender.post(hook.url, body, {
        'content-type': 'application/json',
        'gongzhi-signature': sign(hook.secret, body),
        'idempotency-key': job.row.id,
        'gongzhi-event': job.row.type,
        'user-agent': 'gongzhi-webhooks/1',
      });
      if (res.status >= 200 && res.status < 300) {
        await this.o.settle(job.caseId, job.row.id);
        this.jobs.delete(job.row.id);
        done = true;
        return;
      }
      error = `HTTP ${res.status}`;
    } catch (e) {
      error = (e as Error).message;
    } finally {
      this.inFlight.delete(job.row.id);
      if (done) this.pump();
    }
    job.attempts++;
    const max = this.o.maxAttempts ?? 12;
    if (job.attempts >= max) {
      this.o.log(`✗ Webhook 投递放弃 / delivery given up after ${job.attempts} attempts: ${job.row.id} → ${hook?.url}: ${error}`);
      this.jobs.delete(job.row.id);
      await this.o.settle(job.caseId, job.row.id, { at: new Date().toISOString(), attempts: job.attempts, lastError: error }).catch(() => undefined);
    } else {
      const base = this.o.retryBaseMs ?? 1000;
      const delay = Math.min(base * 2 ** (job.attempts - 1), this.o.retryMaxMs ?? 15 * 60_000);
      job.nextAt = Date.now() + delay * (0.8 + 0.4 * Math.random());
    }
    this.pump();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.inFlight.size) await new Promise((r) => setTimeout(r, 10));
  }
}
