/**
 * A scenario's expected state holds in its substates (engine/scenario.ts stateMatches): a county that refines a base
 * state into substates (nanchang's triage inside `mediation`) still passes the base's scenarios without copies of
 * them, while an expectation still fails on another state or a sibling substate.
 */
import { describe, expect, it } from 'vitest';
import { compileProcedure, resolvePacks, runScenario, type Scenario } from '../../engine';
import { stateMatches } from '../../engine/scenario';
import { loadPacksRoot } from '../../server/packs';

describe('stateMatches', () => {
  it('a state holds in itself and in its substates, not in a sibling, a parent or a state sharing its prefix', () => {
    expect(stateMatches('mediation', 'mediation')).toBe(true);
    expect(stateMatches('mediation.people', 'mediation')).toBe(true);
    expect(stateMatches('handling.town.joint', 'handling.town')).toBe(true);
    expect(stateMatches('mediation.people', 'mediation.traffic')).toBe(false);
    expect(stateMatches('mediation', 'mediation.people')).toBe(false);
    expect(stateMatches('mediationX', 'mediation')).toBe(false);
    expect(stateMatches('agreement', 'mediation')).toBe(false);
  });
  it('parallel configurations match leaf by leaf', () => {
    expect(stateMatches('a.x.y,b.z', 'a.x,b.z')).toBe(true);
    expect(stateMatches('a.x,b.z', 'a.x')).toBe(false);
    expect(stateMatches('a.x,b.w', 'a.x,b.z')).toBe(false);
  });
});

describe("a base's scenario on a county that refines its state", () => {
  const sources = loadPacksRoot('configs/packs');
  const { packs } = resolvePacks(sources);
  const national = sources.find((s) => s.manifest.id === 'national')!;
  const sc = national.scenarios!['dispute-mediation-confirmation'] as Scenario;
  const on = (packId: string) =>
    compileProcedure({ ...packs[packId].procedures['dispute-mediation'], version: 1 }, packs[packId]);

  it('national expects mediation; nanchang is in mediation.people: the scenario passes there', async () => {
    expect(sc.expect?.state).toBe('mediation');
    const report = await runScenario(on('nanchang-county'), sc);
    expect(report.failures).toEqual([]);
    expect(report.states.has('mediation.people')).toBe(true);
  });
  it('an expectation of a substate still fails where another one is reached', async () => {
    const wrong: Scenario = { ...sc, expect: { ...sc.expect, state: 'mediation.traffic' } };
    const report = await runScenario(on('nanchang-county'), wrong);
    expect(report.failures).toContain('start: expected state mediation.traffic, got mediation.people');
    const onNational = await runScenario(on('national'), { ...sc, expect: { state: 'mediation.people' } });
    expect(onNational.failures).toContain('start: expected state mediation.people, got mediation');
  });
});
