/** What a procedure or pack changes against its base, as a list of readable changes (not raw JSON). */
import type { Override, PackParameter, ProcedureDoc } from '../types';
import { walkStates, allTransitions } from '../machine';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function diffMap<T>(
  kind: Override['kind'],
  procedure: string | undefined,
  prefix: string,
  a: Record<string, T> | undefined,
  b: Record<string, T> | undefined,
  pick: (v: T) => unknown = (v) => v,
): Override[] {
  const out: Override[] = [];
  const A = a ?? {};
  const B = b ?? {};
  for (const k of Object.keys(B)) {
    if (!(k in A)) out.push({ kind, change: 'added', procedure, path: `${prefix}${k}`, to: pick(B[k]) });
    else if (!same(A[k], B[k]))
      out.push({ kind, change: 'changed', procedure, path: `${prefix}${k}`, from: pick(A[k]), to: pick(B[k]) });
  }
  for (const k of Object.keys(A))
    if (!(k in B)) out.push({ kind, change: 'removed', procedure, path: `${prefix}${k}`, from: pick(A[k]) });
  return out;
}

function stateShape(doc: ProcedureDoc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of walkStates(doc.machine)) {
    const { states: _children, meta: _meta, ...rest } = s.node;
    out[s.path] = rest;
  }
  return out;
}

function stateTitles(doc: ProcedureDoc): Record<string, unknown> {
  return Object.fromEntries(walkStates(doc.machine).map((s) => [s.path, s.node.meta?.title ?? null]));
}

function transitionKeys(doc: ProcedureDoc): Record<string, unknown> {
  return Object.fromEntries(
    allTransitions(doc.machine).map((t) => [
      `${t.source ?? '(root)'} —${t.event ?? 'always'}[${t.index}]→`,
      t.transition,
    ]),
  );
}

/** Items present on both sides whose legal basis changed: one `basis` override each (besides the item's own change). */
function diffBases<T extends { basis?: unknown }>(
  procedure: string | undefined,
  prefix: string,
  a: Record<string, T> | undefined,
  b: Record<string, T> | undefined,
): Override[] {
  const out: Override[] = [];
  for (const [k, vb] of Object.entries(b ?? {})) {
    const va = a?.[k];
    if (va && vb && !same(va.basis, vb.basis))
      out.push({
        kind: 'basis',
        change: 'changed',
        procedure,
        path: `${prefix}${k}.basis`,
        from: va.basis,
        to: vb.basis,
      });
  }
  return out;
}

export function diffProcedure(base: ProcedureDoc, next: ProcedureDoc): Override[] {
  const p = next.id;
  const shapeA = stateShape(base);
  const shapeB = stateShape(next);
  return [
    ...(same(base.title, next.title)
      ? []
      : [
          {
            kind: 'title' as const,
            change: 'changed' as const,
            procedure: p,
            path: 'title',
            from: base.title,
            to: next.title,
          },
        ]),
    ...diffMap('state', p, 'states.', shapeA, shapeB),
    ...diffMap('title', p, 'stateTitles.', stateTitles(base), stateTitles(next)).filter((o) => o.change === 'changed'),
    ...diffMap('state', p, 'transitions.', transitionKeys(base), transitionKeys(next)),
    ...diffMap('rule', p, 'rules.', base.rules, next.rules),
    ...diffBases(p, 'rules.', base.rules, next.rules),
    ...diffMap('event', p, 'events.', base.events, next.events),
    ...diffMap('deadline', p, 'deadlines.', base.deadlines, next.deadlines),
    ...diffBases(p, 'deadlines.', base.deadlines, next.deadlines),
    ...(same(base.data, next.data)
      ? []
      : [
          {
            kind: 'data' as const,
            change: 'changed' as const,
            procedure: p,
            path: 'data',
            from: base.data,
            to: next.data,
          },
        ]),
  ];
}

export function diffParameters(a: Record<string, PackParameter>, b: Record<string, PackParameter>): Override[] {
  const values = diffMap('parameter', undefined, '', a, b, (v) => v.value);
  return [...values, ...diffBases(undefined, 'parameters.', a, b)];
}

export function diffProcedures(a: Record<string, ProcedureDoc>, b: Record<string, ProcedureDoc>): Override[] {
  const out: Override[] = [];
  for (const [id, doc] of Object.entries(b)) {
    if (!a[id]) out.push({ kind: 'procedure', change: 'added', procedure: id, path: id, to: doc.title });
    else out.push(...diffProcedure(a[id], doc));
  }
  for (const id of Object.keys(a))
    if (!b[id]) out.push({ kind: 'procedure', change: 'removed', procedure: id, path: id, from: a[id].title });
  return out;
}

type Item = { id?: unknown; title?: unknown; date?: unknown; name?: unknown };
const itemKey = (v: Item) => (typeof v.id === 'string' ? v.id : typeof v.date === 'string' ? v.date : null);
const itemLabel = (v: Item) => v.title ?? v.name ?? v.id ?? v.date;
const isKeyedList = (v: unknown): v is Item[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === 'object' && itemKey(x as Item) !== null);

/**
 * What a pack's data files change against its base's: files added or removed, and inside a changed file each
 * field — a list of items with ids (duty lists) or dates (calendars) item by item, anything else as a whole.
 */
export function diffData(a: Record<string, unknown>, b: Record<string, unknown>): Override[] {
  const out: Override[] = [];
  const label = (v: unknown) => (v && typeof v === 'object' ? ((v as Item).title ?? null) : v);
  for (const name of Object.keys(b)) {
    const path = `data/${name}`;
    if (!(name in a)) {
      out.push({ kind: 'data', change: 'added', path, to: label(b[name]) });
      continue;
    }
    if (same(a[name], b[name])) continue;
    const A = a[name] as Record<string, unknown>;
    const B = b[name] as Record<string, unknown>;
    if (!A || !B || typeof A !== 'object' || typeof B !== 'object' || Array.isArray(A) || Array.isArray(B)) {
      out.push({ kind: 'data', change: 'changed', path, from: A, to: B });
      continue;
    }
    for (const field of new Set([...Object.keys(A), ...Object.keys(B)])) {
      const va = A[field];
      const vb = B[field];
      if (same(va, vb)) continue;
      if ((isKeyedList(va) || va === undefined) && (isKeyedList(vb) || vb === undefined)) {
        const byKey = (l: Item[] | undefined) => Object.fromEntries((l ?? []).map((x) => [itemKey(x) as string, x]));
        out.push(...diffMap('data', undefined, `${path}/${field}/`, byKey(va), byKey(vb), (x) => itemLabel(x as Item)));
      } else {
        const change = va === undefined ? 'added' : vb === undefined ? 'removed' : 'changed';
        out.push({
          kind: 'data',
          change,
          path: `${path}/${field}`,
          ...(va === undefined ? {} : { from: va }),
          ...(vb === undefined ? {} : { to: vb }),
        });
      }
    }
  }
  for (const name of Object.keys(a))
    if (!(name in b)) out.push({ kind: 'data', change: 'removed', path: `data/${name}`, from: label(a[name]) });
  return out;
}
