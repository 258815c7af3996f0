/** Pack resolution: extends, parameter overrides, merge patches, added procedures, locks, bad inheritance. */
import { describe, expect, it } from 'vitest';
import { diffData, resolvePacks, type PackSource } from '../../engine';
import { loadPacksRoot } from '../../server/packs';

const national = loadPacksRoot('configs/packs').find((s) => s.manifest.id === 'national')!;
const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

function county(extra: Partial<PackSource> & { parameters?: Record<string, unknown> } = {}): PackSource {
  const { parameters, ...rest } = extra;
  return {
    manifest: {
      id: 'test-county',
      title: t('测试县(示例)', 'Test county (sample)'),
      extends: 'national',
      parameters: parameters as never,
    },
    procedures: {},
    data: {},
    ...rest,
  };
}

describe('resolvePacks', () => {
  it('a county inherits every national procedure, parameter and the calendar', () => {
    const { packs, problems } = resolvePacks([national, county()]);
    expect(problems).toEqual([]);
    const c = packs['test-county'];
    expect(c.lineage).toEqual(['national', 'test-county']);
    expect(Object.keys(c.procedures)).toEqual(Object.keys(packs.national.procedures));
    expect(c.parameters.mediationDays.value).toBe(30);
    expect(c.calendar.years).toEqual([2025, 2026]);
    expect(c.overrides).toEqual([]);
  });

  it('a county parameter overrides the base and is listed as an override', () => {
    const { packs, problems } = resolvePacks([
      national,
      county({
        parameters: {
          smallClaimsCap: {
            value: 38000,
            title: t('小额诉讼上限(示例)', 'Small-claims cap (sample)'),
            basis: t('示例', 'Sample'),
            sample: true,
          },
        },
      }),
    ]);
    expect(problems).toEqual([]);
    expect(packs['test-county'].parameters.smallClaimsCap.value).toBe(38000);
    expect(packs['test-county'].overrides).toContainEqual({
      kind: 'parameter',
      change: 'changed',
      path: 'smallClaimsCap',
      from: 50000,
      to: 38000,
      procedure: undefined,
    });
  });

  it('a merge patch changes a state title and adds a rule; the diff names both', () => {
    const { packs, problems } = resolvePacks([
      national,
      county({
        patches: {
          'dispute-mediation': {
            machine: { states: { mediation: { meta: { title: t('人民调解', "People's mediation") } } } },
            rules: {
              localRule: {
                description: t('示例规则', 'Sample rule'),
                basis: t('示例', 'Sample'),
                conditions: { all: [{ fact: 'data', path: '$.amount', operator: 'greaterThan', value: 0 }] },
              },
            },
          },
        },
      }),
    ]);
    // the added rule is not used by any guard, which is allowed; titles changed
    expect(problems).toEqual([]);
    const proc = packs['test-county'].procedures['dispute-mediation'];
    expect(proc.machine.states.mediation.meta?.title?.['zh-CN']).toBe('人民调解');
    const kinds = packs['test-county'].overrides.map((o) => `${o.kind}:${o.change}:${o.path}`);
    expect(kinds).toEqual(
      expect.arrayContaining(['title:changed:stateTitles.mediation', 'rule:added:rules.localRule']),
    );
    expect(packs.national.procedures['dispute-mediation'].machine.states.mediation.meta?.title?.['zh-CN']).toBe('调解');
  });

  it('a county data file is diffed item by item (duty lists by id, calendars by date), files added and removed', () => {
    const base = {
      'duty-lists': {
        title: 'L',
        statutory: [
          { id: 'S01', title: 'a' },
          { id: 'S02', title: 'b' },
        ],
      },
      'calendar-2026': { year: 2026, holidays: [{ date: '2026-01-01', name: '元旦' }] },
    };
    const next = {
      'duty-lists': {
        title: 'L',
        statutory: [
          { id: 'S01', title: 'a2' },
          { id: 'X01', title: 'x' },
        ],
      },
      'calendar-2026': {
        year: 2026,
        holidays: [
          { date: '2026-01-01', name: '元旦' },
          { date: '2026-01-02', name: '元旦' },
        ],
      },
      'local-list': { title: { 'zh-CN': '本地清单(示例)', en: 'Local list (sample)' } },
    };
    const o = diffData(base, next).map((x) => [x.change, x.path, x.from ?? null, x.to ?? null]);
    expect(o).toEqual(
      expect.arrayContaining([
        ['changed', 'data/duty-lists/statutory/S01', 'a', 'a2'],
        ['added', 'data/duty-lists/statutory/X01', null, 'x'],
        ['removed', 'data/duty-lists/statutory/S02', 'b', null],
        ['added', 'data/calendar-2026/holidays/2026-01-02', null, '元旦'],
        ['added', 'data/local-list', null, { 'zh-CN': '本地清单(示例)', en: 'Local list (sample)' }],
      ]),
    );
    expect(o).toHaveLength(5);
    expect(diffData(next, base).map((x) => x.change)).toContain('removed');
  });

  it('a real county: baoan-district lists the duty-list items it adds as data overrides', () => {
    const { packs } = resolvePacks(loadPacksRoot('configs/packs'));
    const data = packs['baoan-district'].overrides.filter((x) => x.kind === 'data').map((x) => `${x.change} ${x.path}`);
    expect(data).toEqual(
      expect.arrayContaining([
        'added data/duty-lists/statutory/BA-S01',
        'added data/duty-lists/assistance/BA-A01',
        'added data/duty-lists/negative/BA-N01',
      ]),
    );
    // nanchang adds no list items; its only data change is the dispute types its triage adds to the case data
    expect(packs['nanchang-county'].overrides.filter((x) => x.kind === 'data').map((x) => x.procedure)).toEqual([
      'dispute-mediation',
    ]);
  });

  it('overriding a locked parameter or rule fails with PACK_LOCKED and a clear message', () => {
    const { problems } = resolvePacks([
      national,
      county({
        parameters: { confirmationWindowDays: { value: 60, title: t('延长', 'Longer'), basis: t('示例', 'Sample') } },
        patches: {
          'dispute-mediation': {
            rules: { jointApplication: { description: t('一方即可申请', 'one party suffices') } },
          },
        },
      }),
    ]);
    const locked = problems.filter((p) => p.code === 'PACK_LOCKED');
    expect(locked.map((p) => p.path).sort()).toEqual([
      '/packs/test-county/parameters/confirmationWindowDays',
      '/packs/test-county/procedures/dispute-mediation/rules/jointApplication',
    ]);
    expect(locked[0].message['zh-CN']).toContain('锁定');
  });

  it('a patched procedure that becomes invalid is reported with the pack and procedure in the path', () => {
    const { problems } = resolvePacks([
      national,
      county({
        patches: {
          'dispute-mediation': {
            machine: { states: { mediation: { on: { MEDIATION_FAILED: { target: 'nowhere' } } } } },
          },
        },
      }),
    ]);
    expect(problems).toContainEqual(
      expect.objectContaining({
        code: 'UNKNOWN_TARGET',
        path: '/packs/test-county/procedures/dispute-mediation/machine/states/mediation/on/MEDIATION_FAILED/target',
      }),
    );
  });

  it('an unknown base, a cycle, and a patch for a missing procedure are errors, not crashes', () => {
    const orphan = { ...county(), manifest: { ...county().manifest, id: 'orphan', extends: 'atlantis' } };
    const a = { ...county(), manifest: { ...county().manifest, id: 'a', extends: 'b' } };
    const b = { ...county(), manifest: { ...county().manifest, id: 'b', extends: 'a' } };
    const patchy = county({ patches: { 'no-such-procedure': { title: t('x', 'x') } } });
    const { packs, problems } = resolvePacks([national, orphan, a, b, patchy]);
    const codes = problems.map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['UNKNOWN_BASE_PACK', 'PACK_CYCLE', 'UNKNOWN_PROCEDURE']));
    expect(packs.orphan).toBeUndefined();
    expect(packs.national).toBeDefined();
  });

  it('a bad manifest is reported with its path', () => {
    const bad = { ...county(), manifest: { id: 'Bad Id', title: 'no' } as never };
    const { problems } = resolvePacks([national, bad]);
    expect(problems.some((p) => p.path.startsWith('/packs/Bad Id/manifest'))).toBe(true);
  });
});
