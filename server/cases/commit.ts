/**
 * Turns an engine step into what the store writes in the step's transaction (`stepDelta`, see store/seam.ts): the
 * instance, the history entry, the timers to arm and cancel, the outbox rows for matching webhooks, the idempotency
 * answer, the satisfaction figure, a keyed start's first answer and the case's other figures (store/stats-index.ts).
 */
import { provisionalMarks, type CompiledProcedure, type HistoryEntry, type Instance, type StepOk } from '../../engine';
import { resolvePath } from '../../engine/rules';
import type { CaseRecord, IdempotencyRecord, OutboxRow, StartRecord, StoredHistoryEntry } from '../store';
import { timerDelta, type CaseDelta, type CaseState } from '../store/seam';
import { figuresAfter } from '../store/stats-index';
import type { Webhook } from '../registry';
import { instanceView } from './view';
import { newId } from '../util/ids';

export function compactHistory(h: HistoryEntry, onBehalfOf?: string): StoredHistoryEntry {
  return {
    seq: h.seq,
    at: h.at,
    type: h.type,
    ...(h.payload === undefined ? {} : { payload: h.payload }),
    ...(h.actor
      ? { actor: { subject: h.actor.subject, roles: h.actor.roles, ...(onBehalfOf ? { onBehalfOf } : {}) } }
      : {}),
    from: h.from,
    to: h.to,
    rules: h.rules.map((r) => (r.provisional?.length ? [r.rule, r.result, r.provisional] : [r.rule, r.result])),
    effects: h.effects.map((e) => ({ name: e.name, ...(e.params ? { params: e.params } : {}) })),
    ...(h.deadlines?.length ? { deadlines: h.deadlines } : {}),
    ...(h.transitions?.length ? { transitions: h.transitions } : {}),
  };
}

function matches(w: Webhook, inst: Instance, type: string): boolean {
  return (
    (!w.pack || w.pack === inst.pack) && (!w.procedure || w.procedure === inst.procedure) && w.events.includes(type)
  );
}

/** A deadline the server moved after a holiday notice was loaded: one `deadline` webhook each. */
export interface RecalculatedDeadline {
  name: string;
  from: string;
  to: string;
}

/** What the step says besides the engine's answer: who the caller acted for, why, and which call it was. */
export interface CommitContext {
  onBehalfOf?: string;
  /** The deadline whose expiry this step is. */
  deadline?: string;
  /** The step is a cancellation. */
  cancelled?: boolean;
  idempotency?: IdempotencyRecord;
  /** A new case started with an Idempotency-Key: its first answer. */
  start?: StartRecord;
  requestId?: string;
  /** Deadlines the server moved (a holiday notice was loaded): one `deadline` webhook each. */
  recalculated?: RecalculatedDeadline[];
}

export function outboxRows(
  proc: CompiledProcedure,
  res: StepOk,
  webhooks: readonly Webhook[],
  c: CommitContext = {},
): OutboxRow[] {
  const inst = res.instance;
  if (!webhooks.length) return [];
  const view = instanceView(proc, inst);
  const h = res.history;
  const actor = h.actor
    ? { subject: h.actor.subject, roles: h.actor.roles, ...(c.onBehalfOf ? { onBehalfOf: c.onBehalfOf } : {}) }
    : undefined;
  const transition = { seq: h.seq, type: h.type, from: h.from, to: h.to, at: h.at, ...(actor ? { actor } : {}) };
  const messages: { type: string; extra: Record<string, unknown> }[] = [];
  if (c.cancelled)
    messages.push({
      type: 'cancelled',
      extra: { cancelled: { ...inst.cancelled, ...(actor ? { actor } : {}) }, transition },
    });
  else messages.push({ type: 'transition', extra: { transition } });
  if (c.deadline) {
    const d = res.instance.deadlines.find((x) => x.name === c.deadline);
    messages.push({
      type: 'deadline',
      extra: {
        deadline: { name: c.deadline, ...(d ? { dueAt: d.dueAt, state: d.state, ...provisionalMarks(d) } : {}) },
        transition,
      },
    });
  }
  for (const r of c.recalculated ?? []) {
    const d = res.instance.deadlines.find((x) => x.name === r.name);
    messages.push({
      type: 'deadline',
      extra: {
        deadline: {
          name: r.name,
          change: 'recalculated',
          previousDueAt: r.from,
          dueAt: r.to,
          ...(d ? { state: d.state, ...provisionalMarks(d) } : {}),
          notice: (h.payload as { notice?: unknown } | undefined)?.notice ?? null,
        },
        transition,
      },
    });
  }
  for (const e of res.effects)
    messages.push({
      type: `effect:${e.name}`,
      extra: { effect: { name: e.name, params: e.params ?? {}, data: e.data ?? inst.data }, transition },
    });
  const rows: OutboxRow[] = [];
  for (const m of messages) {
    for (const w of webhooks) {
      if (!matches(w, inst, m.type)) continue;
      const id = newId('d');
      rows.push({
        id,
        webhook: w.id,
        type: m.type,
        createdAt: h.at,
        ...(c.requestId ? { requestId: c.requestId } : {}),
        body: { id, type: m.type, at: h.at, webhook: w.id, instance: view, ...m.extra },
      });
    }
  }
  return rows;
}

function satisfactionOf(
  proc: CompiledProcedure,
  h: HistoryEntry,
  prev: CaseRecord['satisfaction'],
): CaseRecord['satisfaction'] {
  const m = proc.doc.metrics?.satisfaction;
  if (!m || h.type !== m.event) return prev;
  const sat = resolvePath(h.payload, m.satisfied);
  if (m.total) {
    const total = resolvePath(h.payload, m.total);
    return typeof sat === 'number' && typeof total === 'number' && total > 0 ? { satisfied: sat, total } : prev;
  }
  return typeof sat === 'boolean' ? { satisfied: sat ? 1 : 0, total: 1 } : prev;
}

/** The store write of one step: checked by the store against the revision the step started from. */
export function stepDelta(
  proc: CompiledProcedure,
  prev: CaseState | null,
  res: StepOk,
  webhooks: readonly Webhook[],
  c: CommitContext = {},
): CaseDelta {
  const satisfaction = satisfactionOf(proc, res.history, prev?.satisfaction);
  return {
    instance: res.instance,
    history: compactHistory(res.history, c.onBehalfOf),
    timers: timerDelta(prev?.instance ?? null, res.instance),
    outbox: outboxRows(proc, res, webhooks, c),
    ...(c.idempotency ? { idempotency: c.idempotency } : {}),
    ...(satisfaction && satisfaction !== prev?.satisfaction ? { satisfaction } : {}),
    ...(!prev && c.start ? { start: c.start } : {}),
    figures: figuresAfter(proc.doc.metrics, prev, res.instance, res.history.at),
  };
}
