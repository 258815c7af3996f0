/**
 * Titles staff read for a case's state: a dotted leaf path becomes its states' titles from the outermost in
 * (`fastTrackCourt.trial` → 速裁法庭 · 审理), parallel paths (comma-joined) are joined with 、. A state without a
 * title shows its key. Shared by the server's exports and the designer's case list.
 */
import type { I18n, MachineJSON, StateJSON } from './types';

const own = (o: object | undefined, k: string) => !!o && Object.prototype.hasOwnProperty.call(o, k);

function titlesAlong(machine: MachineJSON, path: string): I18n[] {
  const out: I18n[] = [];
  let states: Record<string, StateJSON> | undefined = machine.states;
  for (const key of path.split('.')) {
    const node: StateJSON | undefined = own(states, key) ? states![key] : undefined;
    const title = node?.meta?.title;
    out.push(title && typeof title === 'object' ? title : { 'zh-CN': key, en: key });
    states = node?.states;
  }
  return out;
}

export function stateTitleOf(machine: MachineJSON, state: string): I18n {
  const paths = state
    .split(',')
    .filter(Boolean)
    .map((p) => titlesAlong(machine, p));
  const join = (lang: keyof I18n, sep: string, within: string) =>
    paths.map((ts) => ts.map((x) => x[lang]).join(within)).join(sep);
  return { 'zh-CN': join('zh-CN', '、', ' · '), en: join('en', ', ', ' · ') };
}

export interface DeadlineLike {
  name: string;
  dueAt: string;
  overdue?: boolean;
  provisional?: boolean;
}

/** The deadline a list shows for a case: the earliest expired one, else the earliest still running. */
export function leadingDeadline<D extends DeadlineLike>(deadlines: readonly D[] | undefined): D | undefined {
  const list = [...(deadlines ?? [])];
  const earliest = (xs: D[]) => xs.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
  return earliest(list.filter((d) => d.overdue)) ?? earliest(list.filter((d) => !d.overdue));
}
