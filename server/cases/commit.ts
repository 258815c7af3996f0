/**
 * Turns an engine step into what the store writes in the step's transaction (`stepDelta`, see store/seam.ts): the
 * instance, the history entry, the timers to arm and cancel, the outbox rows for matching webhooks, the idempotency
 * answer and the satisfaction figure.
 */
import { provisionalMarks, type CompiledProcedure, type HistoryEntry, type Instance, type StepOk } from '../../engine';
import { resolvePath } from '../../engine/rules';
import type { CaseRecord, IdempotencyRecord, OutboxRow, StoredHistoryEntry } from '../store';
import { timerDelta, type CaseDelta, type CaseState } from '../store/seam';
import type { Webhook } from '../registry';
import { instanceView } from './view';
import { newCaseId } from '../util/ids';
import { keptIdempotency } from '../store/idempotency';


export function compactHistory(h: HistoryEntry, onBehalfOf?: string): StoredHistoryEntry {
  return {
    seq: h.seq, at: h.at, type: h.type, ...(h.payload === undefined ? {} : { payload: h.payload }),
    ...(h.actor ? { actor: { subject: h.actor.subject, roles: h.actor.roles, ...(onBehalfOf ? { onBehalfOf } : {}) } } : {}),
    from: h.from, to: h.to, rules: h.rules.map((r) => (r.provisional?.length ? [r.rule, r.result, r.provisional] : [r.rule, r.result])),
    effects: h.effects.map((e) => ({ name: e.name, ...(e.params ? { params: e.params } : {}) })),
    ...(h.deadlines?.length ? { deadlines: h.deadlines } : {}),
  };
}

function matches(w: Webhook, inst: Instance, type: string): boolean {
  return (!w.pack || w.pack === inst.pack) && (!w.procedure || w.procedure === inst.procedure) && w.events.includes(type);
}

/** A deadline the server moved after a holiday notice was loaded: one `deadline` webhook each. */
export interface RecalculatedDeadline {
  name: string;
  from: string;
  to: string;
}

export function outboxRows(proc: CompiledProcedure, res: StepOk, webhooks: readonly Webhook[], deadline?: string, recalculated: RecalculatedDeadline[] = []): OutboxRow[] {
  const inst = res.instance;
  if (!webhooks.length) return [];
  const view = instanceView(proc, inst);
  const h = res.history;
  const transition = { seq: h.seq, type: h.type, from: h.from, to: h.to, at: h.at, ...(h.actor ? { actor: { subject: h.actor.subject, roles: h.actor.roles } } : {}) };
  const messages: { type: string; extra: Record<string, unknown> }[] = [{ type: 'transition', extra: { transition } }];
  if (deadline) {
    const d = res.instance.deadlines.find((x) => x.name === deadline);
    messages.push({ type: 'deadline', extra: { deadline: { name: deadline, ...(d ? { dueAt: d.dueAt, state: d.state, ...provisionalMarks(d) } : {}) }, transition } });
  }
  for (const r of recalculated) {
    const d = res.instance.deadlines.find((x) => x.name === r.name);
    messages.push({
      type: 'deadline',
      extra: { deadline: { name: r.name, change: 'recalculated', previousDueAt: r.from, dueAt: r.to, ...(d ? { state: d.state, ...provisionalMarks(d) } : {}), notice: (h.payload as { notice?: unknown } | undefined)?.notice ?? null }, transition },
    });
  }
  for (const e of res.effects) messages.push({ type: `effect:${e.name}`, extra: { effect: { name: e.name, params: e.params ?? {}, data: e.data ?? inst.data }, transition } });
  const rows: OutboxRow[] = [];
  for (const m of messages) {
    for (const w of webhooks) {
      if (!matches(w, inst, m.type)) continue;
      const id = `d${newCaseId()}`;
      rows.push({ id, webhook: w.id, type: m.type, createdAt: h.at, body: { id, type: m.type, at: h.at, webhook: w.id, instance: view, ...m.extra } });
    }
  }
  return rows;
}

function satisfactionOf(proc: CompiledProcedure, h: HistoryEntry, prev: CaseRecord['satisfaction']): CaseRecord['satisfaction'] {
  const m = proc.doc.metrics?.satisfaction;
  if (!m || h.type !== m.event) return prev;
  const sat = resolvePath(h.payload, m.satisfied);
  if (m.total) {
    const total = resolvePath(h.payload, m.total);
    return typeof sat === 'number' && typeof total === 'number' && total > 0 ? { satisfied: sat, total } : prev;
  }
  return typeof sat === 'boolean' ? { satisfied: sat ? 1 : 0, total: 1 } : prev;
}

export function nextRecord(
  proc: CompiledProcedure, prev: CaseRecord | null, res: StepOk, webhooks: readonly Webhook[],
  opts: { onBehalfOf?: string; deadline?: string; recalculated?: RecalculatedDeadline[]; idempotency?: IdempotencyRecord; idempotencyRetentionMs?: number } = {},
): { record: CaseRecord; rows: OutboxRow[] } {
  const rows = outboxRows(proc, res, webhooks, opts.deadline, opts.recalculated);
  const idem = keptIdempotency(prev?.idempotency ?? [], opts.idempotency, res.instance.updatedAt, opts.idempotencyRetentionMs);
  const satisfaction = satisfactionOf(proc, res.history, prev?.satisfaction);
  const record: CaseRecord = {
    instance: res.instance,
    history: [...(prev?.history ?? []), compactHistory(res.history, opts.onBehalfOf)],
    outbox: [...(prev?.outbox ?? []), ...rows],
    // unchanged when nothing was added or dropped, so the journal line leaves it out
    idempotency: prev && idem.length === prev.idempotency.length && idem.every((r, i) => r === prev.idempotency[i]) ? prev.idempotency : idem,
    ...(satisfaction ? { satisfaction } : {}),
  };
  return { record, rows };
}

/** The store write of one step: checked by the store against the revision the step started from. */
export function stepDelta(
  proc: CompiledProcedure, prev: CaseState | null, res: StepOk, webhooks: readonly Webhook[],
  opts: { onBehalfOf?: string; deadline?: string; recalculated?: RecalculatedDeadline[]; idempotency?: IdempotencyRecord } = {},
): CaseDelta {
  const satisfaction = satisfactionOf(proc, res.history, prev?.satisfaction);
  return {
    instance: res.instance,
    history: compactHistory(res.history, opts.onBehalfOf),
    timers: timerDelta(prev?.instance ?? null, res.instance),
    outbox: outboxRows(proc, res, webhooks, opts.deadline, opts.recalculated),
    ...(opts.idempotency ? { idempotency: opts.idempotency } : {}),
    ...(satisfaction && satisfaction !== prev?.satisfaction ? { satisfaction } : {}),
  };
}
