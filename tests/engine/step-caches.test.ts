/**
 * What the engine derives once and reuses across steps must answer exactly what it would compute afresh, and be
 * keyed on everything it depends on. The handled events of a configuration (engine/state.ts) depend only on the
 * compiled procedure's transitions and the active leaves: given every state of every bundled procedure, the cached
 * answer equals a fresh computation, asked once and again; a second version of a procedure with other transitions
 * gets its own answers; the cache stays within its bound however many configurations are asked.
 */
import { describe, expect, it } from 'vitest';
import { compileProcedure, resolvePacks, type CompiledProcedure, type ProcedureDoc } from '../../engine';
import { walkStates, ancestors } from '../../engine/machine';
import { allowedEvents, handledEvents, handledCacheSize, HANDLED_CACHE_MAX } from '../../engine/state';
import { loadPacksRoot } from '../../server/packs';

const { packs } = resolvePacks(loadPacksRoot('configs/packs'));

/** The handled events computed afresh from the document (own `on` of each leaf, its ancestors and the machine). */
function fresh(doc: ProcedureDoc, leaves: string[]): string[] {
  const byPath = new Map<string, Record<string, unknown> | undefined>([['', doc.machine.on as never]]);
  for (const s of walkStates(doc.machine)) byPath.set(s.path, s.node.on as never);
  const out = new Set<string>();
  for (const leaf of leaves)
    for (const p of [leaf, ...ancestors(leaf), '']) for (const ev of Object.keys(byPath.get(p) ?? {})) out.add(ev);
  return [...out].sort();
}

const sorted = (s: ReadonlySet<string>) => [...s].sort();

describe('handled events, cached per compiled procedure and configuration', () => {
  it('equal a fresh computation for every state of every bundled procedure, first and second time', () => {
    let checked = 0;
    for (const pack of Object.values(packs)) {
      for (const [name, doc] of Object.entries(pack.procedures)) {
        const proc = compileProcedure({ ...doc, version: 1 }, pack);
        const paths = walkStates(doc.machine).map((s) => s.path);
        for (const path of paths) {
          const want = fresh(doc, [path]);
          expect(sorted(handledEvents(proc, [path])), `${pack.id}/${name} ${path}`).toEqual(want);
          expect(sorted(handledEvents(proc, [path])), `${pack.id}/${name} ${path} (cached)`).toEqual(want);
          checked++;
        }
        // two leaves at once (as in a parallel state): the union, not the first leaf's answer
        if (paths.length >= 2)
          expect(sorted(handledEvents(proc, paths.slice(0, 2)))).toEqual(fresh(doc, paths.slice(0, 2)));
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('a second version with other transitions answers from its own transitions, not the first version’s', () => {
    const doc = packs.national.procedures['dispute-mediation'];
    const v1 = compileProcedure({ ...doc, version: 1 }, packs.national);
    const machine = structuredClone(doc.machine);
    (machine.states!.mediation.on as Record<string, unknown>).PERFORMED = { target: 'closed' };
    const v2 = compileProcedure({ ...doc, version: 2, machine }, packs.national);
    expect(handledEvents(v1, ['mediation']).has('PERFORMED')).toBe(false);
    expect(handledEvents(v2, ['mediation']).has('PERFORMED')).toBe(true);
    expect(handledEvents(v1, ['mediation']).has('PERFORMED')).toBe(false);
    const instance = { status: 'active', stateValue: 'mediation' } as never;
    expect(allowedEvents(v2, instance).map((e) => e.type)).toContain('PERFORMED');
    expect(allowedEvents(v1, instance).map((e) => e.type)).not.toContain('PERFORMED');
  });

  it('holds at most HANDLED_CACHE_MAX configurations per procedure, and answers right after it starts again', () => {
    const doc = packs.national.procedures['dispute-mediation'];
    const proc: CompiledProcedure = compileProcedure({ ...doc, version: 3 }, packs.national);
    for (let i = 0; i < HANDLED_CACHE_MAX + 50; i++) {
      handledEvents(proc, [`s${i}`]);
      expect(handledCacheSize(proc)).toBeLessThanOrEqual(HANDLED_CACHE_MAX);
    }
    expect(sorted(handledEvents(proc, ['mediation']))).toEqual(fresh(doc, ['mediation']));
  });
});
