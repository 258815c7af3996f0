/** What callers see: the instance body of API.md and history entries with each rule's description and legal basis. */
import {
  allowedEvents,
  basisOn,
  type AllowedEvent,
  calendar,
  provisionalMarks,
  type CompiledProcedure,
  type Instance,
} from '../../engine';
import type { CaseRecord, StoredHistoryEntry } from '../store';
import type { HistoryEntryBody, InstanceBody } from '../contract';

/**
 * The events a case may be sent now, as every caller without a role filter sees them: the same for every case of a
 * procedure version in the same configuration, so worked out once per version, status and configuration and shared
 * (frozen) by their answers, whose JSON text is kept with the list (`instanceJson`).
 */
const allowedCache = new WeakMap<CompiledProcedure, Map<string, readonly AllowedEvent[]>>();
const NONE: readonly AllowedEvent[] = Object.freeze([]);
/** The JSON text of each shared list of allowed events. */
const eventsText = new WeakMap<readonly AllowedEvent[], string>([[NONE, '[]']]);

export function allowedEventsOf(proc: CompiledProcedure, inst: Instance): readonly AllowedEvent[] {
  if (inst.status !== 'active') return NONE;
  let byState = allowedCache.get(proc);
  if (!byState) allowedCache.set(proc, (byState = new Map()));
  const key = typeof inst.stateValue === 'string' ? inst.stateValue : JSON.stringify(inst.stateValue);
  let events = byState.get(key);
  if (!events) {
    events = Object.freeze(allowedEvents(proc, inst).map((e) => Object.freeze(e)));
    byState.set(key, events);
    eventsText.set(events, JSON.stringify(events));
  }
  return events;
}

export function instanceView(proc: CompiledProcedure, inst: Instance): InstanceBody {
  return {
    id: inst.id,
    pack: inst.pack,
    procedure: inst.procedure,
    version: inst.version,
    rev: inst.rev,
    status: inst.status,
    state: inst.state,
    stateValue: inst.stateValue,
    data: inst.data,
    events: allowedEventsOf(proc, inst) as AllowedEvent[],
    deadlines: inst.deadlines.map((d) => ({
      name: d.name,
      state: d.state,
      dueAt: d.dueAt,
      dueDate: d.dueDate,
      overdue: d.overdue,
      ...provisionalMarks(d),
      ...(proc.doc.deadlines[d.name] ? { title: proc.doc.deadlines[d.name].title } : {}),
      ...(d.extensions ? { extensions: d.extensions } : {}),
    })),
    overdue: inst.overdue,
    ...(inst.businessKey ? { businessKey: inst.businessKey } : {}),
    ...(inst.cancelled ? { cancelled: inst.cancelled } : {}),
    createdAt: inst.createdAt,
    updatedAt: inst.updatedAt,
  };
}

export type InstanceView = InstanceBody;

/**
 * The answer text of `view` around its allowed events: what comes before them (ending `"events":`) and after them,
 * the view's keys in the same order as `JSON.stringify(view)` gives them. `null` when the events are not a shared
 * list (a view built elsewhere), whose text is kept nowhere.
 */
function around(view: InstanceBody): { before: string; events: string; after: string } | null {
  const events = eventsText.get(view.events);
  if (events === undefined) return null;
  const { id, pack, procedure, version, rev, status, state, stateValue, data, events: _e, ...tail } = view;
  const head = JSON.stringify({ id, pack, procedure, version, rev, status, state, stateValue, data });
  const rest = JSON.stringify(tail);
  return { before: `${head.slice(0, -1)},"events":`, events, after: rest === '{}' ? '}' : `,${rest.slice(1)}` };
}

/**
 * `JSON.stringify(view)`, with its allowed events written from the text kept with their shared list instead of
 * serialised again (the same bytes: the view's keys in the same order around them). A view whose events are not a
 * shared list (one built elsewhere) is serialised whole.
 */
export function instanceJson(view: InstanceBody): string {
  const a = around(view);
  return a ? a.before + a.events + a.after : JSON.stringify(view);
}

/** `provisional: true` naming the years whose holiday notice was missing, or `provisional: false`. */
const marks = (years?: number[]) =>
  years?.length ? { provisional: true, provisionalYears: years } : { provisional: false };

export function historyView(proc: CompiledProcedure, h: StoredHistoryEntry): HistoryEntryBody {
  const day = calendar.shanghaiDate(new Date(h.at));
  return {
    seq: h.seq,
    at: h.at,
    type: h.type,
    ...(h.payload === undefined ? {} : { payload: h.payload }),
    ...(h.actor ? { actor: h.actor } : {}),
    from: h.from,
    to: h.to,
    rules: h.rules.map(([rule, result, provisional]) => {
      const def = proc.doc.rules[rule];
      // the basis in force on the step's date (a rule's basis may have versions by date)
      return {
        rule,
        result,
        ...(def ? { description: def.description, basis: basisOn(def.basis, day) } : {}),
        ...(provisional?.length ? { provisional: true, provisionalYears: provisional } : {}),
      };
    }),
    effects: h.effects,
    ...(h.deadlines
      ? { deadlines: h.deadlines.map(({ provisional, ...d }) => ({ ...d, ...marks(provisional) })) }
      : {}),
    ...(h.transitions ? { transitions: h.transitions } : {}),
  };
}

export function recordHistory(proc: CompiledProcedure, rec: CaseRecord): HistoryEntryBody[] {
  return rec.history.map((h) => historyView(proc, h));
}
