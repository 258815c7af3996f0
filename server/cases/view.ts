/** What callers see: the instance body of API.md and history entries with each rule's description and legal basis. */
import {
  allowedEvents,
  basisOn,
  calendar,
  provisionalMarks,
  type CompiledProcedure,
  type Instance,
} from '../../engine';
import type { CaseRecord, StoredHistoryEntry } from '../store';
import type { HistoryEntryBody, InstanceBody } from '../contract';

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
    events: allowedEvents(proc, inst),
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
