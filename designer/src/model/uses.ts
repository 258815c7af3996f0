/**
 * What a county change touches in a procedure: the deadlines and rules that read a pack parameter (or a pack data
 * list), and the transitions those reach — guards naming such a rule, and the expiry event of such a deadline in its
 * state. Shown beside each county change, so staff see where a new value takes effect.
 */
import type { ProcedureDoc } from '../../../engine/browser';
import { allTransitions, guardRules } from '../../../engine/browser';

export interface TouchedTransition {
  source: string | null;
  event: string | null;
  target?: string;
}

export interface Uses {
  deadlines: string[];
  rules: string[];
  transitions: TouchedTransition[];
}

/** Whether `v` holds a `{param: name}`, a `paramOn`/`params` read of it, or (for lists) a `packData` read of file `name`. */
function reads(v: unknown, test: (o: Record<string, unknown>) => boolean): boolean {
  if (Array.isArray(v)) return v.some((x) => reads(x, test));
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return test(o) || Object.values(o).some((x) => reads(x, test));
}

const readsParam = (name: string) => (o: Record<string, unknown>) =>
  o.param === name ||
  ((o.fact === 'paramOn' || o.fact === 'params') &&
    ((o.params as { name?: unknown } | undefined)?.name === name || o.path === `$.${name}`));
const readsList = (file: string, list?: string) => (o: Record<string, unknown>) =>
  o.fact === 'packData' &&
  (o.params as { name?: unknown } | undefined)?.name === file &&
  (!list || String(o.path ?? '').startsWith(`$.${list}`));

function usesOf(doc: ProcedureDoc, test: (o: Record<string, unknown>) => boolean): Uses {
  const deadlines = Object.entries(doc.deadlines ?? {})
    .filter(([, d]) => reads(d.amount, test))
    .map(([n]) => n);
  const rules = Object.entries(doc.rules ?? {})
    .filter(([, r]) => reads(r.conditions, test))
    .map(([n]) => n);
  const expiries = new Set(
    deadlines.map((n) => `${doc.deadlines[n].state}\u0000${doc.deadlines[n].onExpiry?.event ?? ''}`),
  );
  const transitions: TouchedTransition[] = [];
  for (const t of allTransitions(doc.machine)) {
    const guarded = guardRules(t.transition.guard).rules.some((r) => rules.includes(r));
    const expiry = expiries.has(`${t.source ?? ''}\u0000${t.event ?? ''}`);
    if (!guarded && !expiry) continue;
    const target = Array.isArray(t.transition.target) ? t.transition.target[0] : t.transition.target;
    transitions.push({ source: t.source, event: t.event, ...(target ? { target } : {}) });
  }
  return { deadlines, rules, transitions };
}

export const parameterUses = (doc: ProcedureDoc, name: string): Uses => usesOf(doc, readsParam(name));
export const listUses = (doc: ProcedureDoc, file: string, list?: string): Uses => usesOf(doc, readsList(file, list));
