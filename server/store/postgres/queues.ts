/**
 * The timer and outbox queues on PostgreSQL. Both claim rows with `FOR UPDATE SKIP LOCKED` (processes claiming at
 * the same moment take different rows, none waits on another) and a short lease: the row stays where it is, marked
 * with its owner and the lease's end, so a process that dies holding it only delays the work until the lease runs
 * out. Whether a deadline fires is decided inside the case's transaction (the firing deletes the timer row; 0 rows
 * deleted means it fired already), so a lost lease can never make it fire twice.
 */
import type pg from 'pg';
import type {
  DeliveryClaim,
  DeliveryInfo,
  DeliveryOutcome,
  DeliveryRow,
  DeliveryStatus,
  OutboxQueue,
  TimerQueue,
  TimerRef,
} from '../seam';
import { num } from './sql';

export class PgTimers implements TimerQueue {
  constructor(private readonly pool: pg.Pool) {}

  async nextDue(): Promise<number | null> {
    const r = await this.pool.query(
      'SELECT due FROM gz_timers WHERE lease_until IS NULL OR lease_until < $1 ORDER BY due LIMIT 1',
      [Date.now()],
    );
    return r.rows[0] ? (r.rows[0].due as Date).getTime() : null;
  }

  async claimDue(until: Date, opts: { limit: number; leaseMs: number; owner: string }): Promise<TimerRef[]> {
    const now = Date.now();
    const r = await this.pool.query(
      `UPDATE gz_timers SET lease_owner = $1, lease_until = $2
        WHERE (case_id, name) IN (
          SELECT case_id, name FROM gz_timers
           WHERE due <= $3 AND (lease_until IS NULL OR lease_until < $4)
           ORDER BY due LIMIT $5 FOR UPDATE SKIP LOCKED)
        RETURNING case_id, name, due_at, due`,
      [opts.owner, now + opts.leaseMs, until, now, opts.limit],
    );
    return r.rows
      .sort((a, b) => (a.due as Date).getTime() - (b.due as Date).getTime() || (a.case_id < b.case_id ? -1 : 1))
      .map((x) => ({ caseId: x.case_id, name: x.name, dueAt: x.due_at }));
  }

  async release(ref: TimerRef, owner: string, retryMs: number): Promise<void> {
    await this.pool.query(
      'UPDATE gz_timers SET lease_until = $1 WHERE case_id = $2 AND name = $3 AND due_at = $4 AND lease_owner = $5',
      [Date.now() + retryMs, ref.caseId, ref.name, ref.dueAt, owner],
    );
  }

  async counts(until: Date): Promise<{ armed: number; due: number }> {
    const r = await this.pool.query(
      'SELECT count(*) AS armed, sum(CASE WHEN due <= $1 THEN 1 ELSE 0 END) AS due FROM gz_timers',
      [until],
    );
    return { armed: num(r.rows[0].armed), due: num(r.rows[0].due) };
  }
}

/** The WHERE fragment of a listing status: failed deliveries are pending ones tried before. */
const STATUS_WHERE: Record<DeliveryStatus, string> = {
  pending: "status = 'pending' AND attempts = 0",
  failed: "status = 'pending' AND attempts > 0",
  dead: "status = 'dead'",
  delivered: "status = 'delivered'",
};

export class PgOutbox implements OutboxQueue {
  /** `changed` tells this process (and, with NOTIFY, the others) that a delivery became due. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly changed: (c: pg.Pool) => Promise<void>,
  ) {}

  async claim(opts: { now: number; limit: number; leaseMs: number; owner: string }): Promise<DeliveryClaim[]> {
    const r = await this.pool.query(
      `UPDATE gz_outbox SET lease_owner = $1, lease_until = $2
        WHERE ord IN (
          SELECT o.ord FROM gz_outbox o
           WHERE o.status = 'pending' AND o.next_at <= $3 AND (o.lease_until IS NULL OR o.lease_until < $3)
             AND NOT EXISTS (SELECT 1 FROM gz_outbox p
                              WHERE p.case_id = o.case_id AND p.webhook = o.webhook AND p.status = 'pending' AND p.ord < o.ord)
           ORDER BY o.next_at, o.ord LIMIT $4 FOR UPDATE SKIP LOCKED)
        RETURNING ord, id, case_id, webhook, type, created_at, body, attempts, request_id`,
      [opts.owner, opts.now + opts.leaseMs, opts.now, opts.limit],
    );
    return r.rows
      .sort((a, b) => num(a.ord) - num(b.ord))
      .map((x) => ({
        id: x.id,
        caseId: x.case_id,
        webhook: x.webhook,
        type: x.type,
        createdAt: x.created_at,
        body: JSON.parse(x.body) as Record<string, unknown>,
        attempts: num(x.attempts),
        ...(x.request_id ? { requestId: x.request_id } : {}),
      }));
  }

  async settle(claim: DeliveryClaim, owner: string, outcome: DeliveryOutcome): Promise<boolean> {
    const guard = "id = $1 AND lease_owner = $2 AND status = 'pending'";
    let r: pg.QueryResult;
    if (outcome.status === 'delivered') {
      r = await this.pool.query(
        `UPDATE gz_outbox SET status = 'delivered', attempts = attempts + 1, settled_at = $3, last_attempt_at = $3, lease_owner = NULL, lease_until = NULL WHERE ${guard}`,
        [claim.id, owner, outcome.at],
      );
    } else if (outcome.status === 'retry') {
      r = await this.pool.query(
        `UPDATE gz_outbox SET attempts = attempts + 1, next_at = $3, last_error = $4, last_attempt_at = $5, lease_owner = NULL, lease_until = NULL WHERE ${guard}`,
        [claim.id, owner, Math.round(outcome.nextAt), outcome.error, outcome.at ?? new Date().toISOString()],
      );
    } else {
      r = await this.pool.query(
        `UPDATE gz_outbox SET status = 'dead', attempts = attempts + 1, last_error = $3, settled_at = $4, last_attempt_at = $4, lease_owner = NULL, lease_until = NULL WHERE ${guard}`,
        [claim.id, owner, outcome.error, outcome.at],
      );
    }
    return (r.rowCount ?? 0) > 0;
  }

  async nextAt(): Promise<number | null> {
    const r = await this.pool.query(
      `SELECT o.next_at FROM gz_outbox o
        WHERE o.status = 'pending' AND (o.lease_until IS NULL OR o.lease_until < $1)
          AND NOT EXISTS (SELECT 1 FROM gz_outbox p
                           WHERE p.case_id = o.case_id AND p.webhook = o.webhook AND p.status = 'pending' AND p.ord < o.ord)
        ORDER BY o.next_at LIMIT 1`,
      [Date.now()],
    );
    return r.rows[0] ? num(r.rows[0].next_at) : null;
  }

  async pending(): Promise<number> {
    return num((await this.pool.query("SELECT count(*) AS n FROM gz_outbox WHERE status = 'pending'")).rows[0].n);
  }

  async dead(): Promise<number> {
    return num((await this.pool.query("SELECT count(*) AS n FROM gz_outbox WHERE status = 'dead'")).rows[0].n);
  }

  async list(webhook: string, opts: { status?: DeliveryStatus; limit: number }): Promise<DeliveryInfo[]> {
    const r = await this.pool.query(
      `SELECT id, webhook, case_id, type, status, created_at, attempts, last_error, last_attempt_at, next_at, settled_at, request_id
         FROM gz_outbox WHERE webhook = $1 ${opts.status ? `AND ${STATUS_WHERE[opts.status]}` : ''} ORDER BY ord DESC LIMIT $2`,
      [webhook, opts.limit],
    );
    return r.rows.reverse().map((x) => {
      const status: DeliveryStatus = x.status === 'pending' ? (num(x.attempts) ? 'failed' : 'pending') : x.status;
      return {
        id: x.id,
        webhook: x.webhook,
        caseId: x.case_id,
        type: x.type,
        status,
        createdAt: x.created_at,
        attempts: num(x.attempts),
        lastError: status === 'delivered' ? null : (x.last_error ?? null),
        lastAttemptAt: x.last_attempt_at ?? null,
        nextAttemptAt: x.status === 'pending' ? num(x.next_at) : null,
        deliveredAt: status === 'delivered' ? x.settled_at : null,
        requestId: x.request_id ?? null,
      };
    });
  }

  async redeliver(webhook: string, id: string): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE gz_outbox SET status = 'pending', attempts = 0, next_at = $3, last_error = NULL, settled_at = NULL, lease_owner = NULL, lease_until = NULL
        WHERE id = $1 AND webhook = $2 AND status IN ('dead', 'delivered')`,
      [id, webhook, Date.now()],
    );
    if (r.rowCount) {
      await this.changed(this.pool);
      return true;
    }
    const p = await this.pool.query("SELECT 1 FROM gz_outbox WHERE id = $1 AND webhook = $2 AND status = 'pending'", [
      id,
      webhook,
    ]);
    return p.rows.length > 0;
  }

  async ofCase(caseId: string): Promise<DeliveryRow[]> {
    const r = await this.pool.query(
      'SELECT id, webhook, type, status, attempts, last_error FROM gz_outbox WHERE case_id = $1 ORDER BY ord',
      [caseId],
    );
    return r.rows.map((x) => ({
      id: x.id,
      webhook: x.webhook,
      type: x.type,
      status: x.status,
      attempts: num(x.attempts),
      ...(x.last_error ? { lastError: x.last_error } : {}),
    }));
  }
}
