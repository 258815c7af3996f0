/** A case as one row of the desk's list, in the reader's language: titles, the deadline that matters, overdue. */
import type { I18n, ProcedureDoc } from '../../../engine/browser';
import { leadingDeadline, stateTitleOf } from '../../../engine/browser-desk';
import type { InstanceBody, PackSummary } from '../api';
import { text, type Lang } from '../model';

export interface CaseRow {
  id: string;
  businessKey: string;
  packTitle: string;
  procedureTitle: string;
  stateTitle: string;
  status: string;
  overdue: boolean;
  deadline?: { title: string; dueAt: string; overdue: boolean; provisional: boolean };
  createdAt: string;
  updatedAt: string;
}

/** Documents by `pack/procedure/version`, as loaded for the rows' titles. */
export type DocIndex = Map<string, ProcedureDoc>;
export const docKey = (i: Pick<InstanceBody, 'pack' | 'procedure' | 'version'>) =>
  `${i.pack}/${i.procedure}/${i.version}`;

export function caseRow(i: InstanceBody, docs: DocIndex, packs: PackSummary[], lang: Lang): CaseRow {
  const doc = docs.get(docKey(i));
  const pack = packs.find((p) => p.id === i.pack);
  const procTitle: I18n | undefined = doc?.title ?? pack?.procedures.find((p) => p.id === i.procedure)?.title;
  const d = leadingDeadline(i.deadlines);
  return {
    id: i.id,
    businessKey: i.businessKey ?? '',
    packTitle: text(pack?.title, lang) || i.pack,
    procedureTitle: text(procTitle, lang) || i.procedure,
    stateTitle: doc ? text(stateTitleOf(doc.machine, i.state), lang) : '',
    status: i.status,
    overdue: !!i.overdue,
    ...(d
      ? {
          deadline: {
            title: text(d.title ?? doc?.deadlines?.[d.name]?.title, lang) || d.name,
            dueAt: d.dueAt,
            overdue: !!d.overdue,
            provisional: !!d.provisional,
          },
        }
      : {}),
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}
