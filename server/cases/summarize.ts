import type { CaseRecord, CaseSummary } from '../store';
import { earliestDue } from '../store/seam';

/** The in-memory summary of a case record (what listing, stats, timers and the outbox need). */
export function summarize(rec: CaseRecord): CaseSummary {
  const i = rec.instance;
  const dueAt = earliestDue(i);
  return {
    id: i.id,
    pack: i.pack,
    procedure: i.procedure,
    version: i.version,
    state: i.state,
    status: i.status,
    overdue: i.overdue,
    everOverdue: !!i.everOverdue,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    ...(i.businessKey ? { businessKey: i.businessKey } : {}),
    ...(rec.start ? { startKey: `${rec.start.subject}\u0000${rec.start.key}` } : {}),
    timers:
      i.status !== 'active' ? [] : i.deadlines.filter((d) => !d.overdue).map((d) => ({ name: d.name, dueAt: d.dueAt })),
    pending: rec.outbox.length,
    ...(rec.satisfaction ? { satisfaction: rec.satisfaction } : {}),
    ...(rec.figures ? { figures: rec.figures } : {}),
    ...(dueAt ? { dueAt } : {}),
  };
}
