/**
 * Locking: a county override of an item the national pack locks is rejected with PACK_LOCKED.
 * Base changes: changing a national parameter or rule in memory re-runs every county's scenarios and shows
 * which ones now fail, so a change to the template cannot silently break a county.
 */
import { describe, expect, it } from 'vitest';
import { compileProcedure, resolvePacks, runScenario, type PackSource, type Scenario } from '../../engine';
import { loadPacksRoot } from '../../server/packs';

const fresh = (): PackSource[] => structuredClone(loadPacksRoot('configs/packs'));
const COUNTIES = ['nanchang-county', 'baoan-district', 'gaotai-county', 'jiangyin-city'];

function county(id: string, change: Partial<PackSource>): PackSource {
  return {
    manifest: { id, extends: 'national', title: { 'zh-CN': '测试县', en: 'Test county' } },
    procedures: {},
    patches: {},
    data: {},
    ...change,
  };
}

describe('locked national items cannot be changed by a county', () => {
  it('patching the locked rule withinConfirmationWindow → PACK_LOCKED naming the rule', () => {
    const src = county('lock-rule', {
      patches: {
        'dispute-mediation': {
          rules: {
            withinConfirmationWindow: {
              conditions: { all: [{ fact: 'event', path: '$.appliedOn', operator: 'equal', value: '2025-01-01' }] },
            },
          },
        },
      },
    });
    const { problems } = resolvePacks([...fresh(), src]);
    const locked = problems.filter((p) => p.code === 'PACK_LOCKED');
    expect(locked).toHaveLength(1);
    expect(locked[0].path).toContain('/packs/lock-rule/');
    expect(locked[0].message['zh-CN']).toContain('withinConfirmationWindow');
    expect(locked[0].message['zh-CN']).toContain('县级配置包不得修改');
    expect(locked[0].message.en).toContain('locked by the base pack');
  });
  it('overriding the locked parameter confirmationWindowDays → PACK_LOCKED', () => {
    const src = county('lock-param', {
      manifest: {
        id: 'lock-param',
        extends: 'national',
        title: { 'zh-CN': '测试县', en: 'Test county' },
        parameters: {
          confirmationWindowDays: {
            value: 60,
            title: { 'zh-CN': '期限', en: 'window' },
            basis: { 'zh-CN': '无', en: 'none' },
            unit: 'calendarDays',
          },
        },
      },
    });
    const { problems } = resolvePacks([...fresh(), src]);
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['PACK_LOCKED', '/packs/lock-param/parameters/confirmationWindowDays'],
    ]);
  });
  it('changing the locked state judicialConfirmation (dropping NOT_CONFIRMED) → PACK_LOCKED', () => {
    const src = county('lock-state', {
      patches: {
        'dispute-mediation': { machine: { states: { judicialConfirmation: { on: { NOT_CONFIRMED: null } } } } },
      },
    });
    const { problems } = resolvePacks([...fresh(), src]);
    expect(problems.some((p) => p.code === 'PACK_LOCKED' && p.message['zh-CN'].includes('judicialConfirmation'))).toBe(
      true,
    );
  });
  it('the bundled county packs touch no locked item', () => {
    expect(resolvePacks(fresh()).problems).toEqual([]);
  });
});

async function failingCountyScenarios(sources: PackSource[]): Promise<string[]> {
  const { packs, problems } = resolvePacks(sources);
  expect(problems).toEqual([]);
  const failing: string[] = [];
  for (const src of sources.filter((s) => COUNTIES.includes(s.manifest.id))) {
    const pack = packs[src.manifest.id];
    for (const [name, sc] of Object.entries(src.scenarios ?? {}) as [string, Scenario][]) {
      const report = await runScenario(compileProcedure({ ...pack.procedures[sc.procedure], version: 1 }, pack), sc);
      if (report.failures.length) failing.push(`${src.manifest.id}/${name}`);
    }
  }
  return failing.sort();
}

describe('a change to the national template re-tests every county', () => {
  it('unchanged: every county scenario passes', async () => {
    expect(await failingCountyScenarios(fresh())).toEqual([]);
  });
  it('national replyWorkingDays 5 → 2: jiangyin overrides it, so none of its scenarios break', async () => {
    const s = fresh();
    const nat = s.find((x) => x.manifest.id === 'national')!;
    nat.manifest.parameters!.replyWorkingDays.value = 2;
    expect(await failingCountyScenarios(s)).toEqual([]);
  });
  it('national simplifiedMonths 3 → 4: the nanchang scenario on the simplified track now fails', async () => {
    const s = fresh();
    const nat = s.find((x) => x.manifest.id === 'national')!;
    nat.manifest.parameters!.simplifiedMonths.value = 4;
    expect(await failingCountyScenarios(s)).toEqual([
      'nanchang-county/dispute-mediation-marriage-status-10000',
      'nanchang-county/dispute-mediation-over-cap-simplified',
    ]);
  });
  it('national rule noticePeriodObserved with noticeDays 7 → 10: county consultation scenarios that meet a week after notice now fail', async () => {
    const s = fresh();
    const nat = s.find((x) => x.manifest.id === 'national')!;
    nat.manifest.parameters!.noticeDays.value = 10;
    const failing = await failingCountyScenarios(s);
    expect(failing).toContain('gaotai-county/community-consultation-friday');
    expect(failing).toContain('baoan-district/community-consultation-2026-representatives');
    // a 2026 residents' meeting already waits the statutory 10 days: unaffected
    expect(failing).not.toContain('gaotai-county/community-consultation-2026-residents-meeting');
    expect(failing.every((f) => /^(gaotai-county|baoan-district)\/community-consultation/.test(f))).toBe(true);
  });
  it('a national rule changed (smallClaims track rule made to never hold): nanchang small-claims scenario fails', async () => {
    const s = fresh();
    const nat = s.find((x) => x.manifest.id === 'national')!;
    const doc = nat.procedures['dispute-mediation'] as unknown as { rules: Record<string, { conditions: unknown }> };
    const name = Object.keys(doc.rules).find((r) =>
      JSON.stringify(doc.rules[r].conditions).includes('smallClaimsCap'),
    )!;
    expect(name).toBeDefined();
    doc.rules[name].conditions = { all: [{ fact: 'data', path: '$.amount', operator: 'lessThan', value: 0 }] };
    const failing = await failingCountyScenarios(s);
    expect(failing).toContain('nanchang-county/dispute-mediation-small-claims');
  });
});
