/**
 * County packs follow their base (DESIGN decision 6, issue #15): a county's changes are overlays on the base's
 * procedures; when the base publishes a new version the county is re-resolved — its patches re-applied, the result
 * validated and re-tested with its own scenarios — and what no longer applies is a conflict, never a silent deletion.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  graph,
  resolvePacks,
  retestPack,
  type OverlayOp,
  type PackSource,
  type ProcedureDoc,
  type Scenario,
} from '../../engine';
import { loadPacksRoot } from '../../server/packs';

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const fresh = (): PackSource[] => structuredClone(loadPacksRoot('configs/packs'));
const byId = (s: PackSource[], id: string) => s.find((x) => x.manifest.id === id)!;
const walkStatesOf = (doc: ProcedureDoc) => graph.walkStates(doc.machine).map((s) => s.path);

/** National's next version: a follow-up visit (回访) after performance, and a longer confirmation review period. */
function publishNationalV2(sources: PackSource[]): void {
  const nat = byId(sources, 'national');
  const doc = nat.procedures['dispute-mediation'];
  doc.machine.states.revisit = {
    meta: { title: t('回访', 'Follow-up visit'), roles: ['mediator'] },
    on: { REVISITED: { target: 'closed' } },
  };
  (doc.machine.states.agreement.on!.PERFORMED as { target: string }).target = 'revisit';
  doc.events.REVISITED = { title: t('回访完成', 'Follow-up visit done'), roles: ['mediator'] };
  nat.manifest.parameters!.confirmationDays.value = 20;
}

/** Nanchang as a county would set it: its own mediation period (20 days) and a patched deadline (a supervision notice on expiry). */
function nanchangWithOwnChanges(sources: PackSource[]): void {
  const nc = byId(sources, 'nanchang-county');
  nc.manifest.parameters!.mediationDays = {
    value: 20,
    baseValue: 30,
    unit: 'calendarDays',
    title: t('调解期限(南昌县,示例)', 'Mediation period (Nanchang, sample)'),
    basis: t(
      '《最高人民法院关于人民法院特邀调解的规定》第27条(示例:县级设定更短期限)',
      'SPC Provisions on Specially Invited Mediation, Art. 27 (sample: a shorter county period)',
    ),
  };
  const ops: OverlayOp[] = [
    {
      op: 'replace',
      path: '/deadlines/mediationPeriod/onExpiry',
      was: { event: 'MEDIATION_EXPIRED' },
      value: { event: 'MEDIATION_EXPIRED', effects: ['supervision.notice'] },
    },
  ];
  // added to what nanchang ships for the procedure (its triage to stationed departments' mediation), not instead of it
  nc.patches = {
    ...(nc.patches ?? {}),
    'dispute-mediation': [...((nc.patches?.['dispute-mediation'] ?? []) as OverlayOp[]), ...ops],
  };
  const sc: Scenario = {
    title: t(
      '南昌县:调解期限20日(末日为星期日,顺延至星期一),期满移交速裁并通知督办(示例)',
      'Nanchang: 20-day mediation, on expiry to the court with a supervision notice (sample)',
    ),
    procedure: 'dispute-mediation',
    at: '2025-09-01T10:00:00+08:00',
    data: {
      disputeType: 'neighbour',
      parties: [
        { name: '张三', role: '申请人' },
        { name: '李四', role: '被申请人' },
      ],
      amount: 3000,
      partiesConsent: true,
      criminalRisk: false,
      description: '楼上漏水(示例)',
    },
    expect: { state: 'mediation', deadlines: { mediationPeriod: '2025-09-22' } },
    steps: [
      {
        advanceTo: '2025-09-23T00:00:01+08:00',
        expect: { state: 'fastTrackCourt.filing', effects: ['supervision.notice'] },
      },
    ],
  };
  nc.scenarios = { ...(nc.scenarios ?? {}), 'dispute-mediation-own-period': sc };
}

describe('national publishes a new version: nanchang is re-resolved and follows it', () => {
  it('keeps its own parameter, its triage and its patched deadline, gains the new state, and its scenarios pass', async () => {
    const sources = fresh();
    nanchangWithOwnChanges(sources);
    const before = resolvePacks(sources);
    expect(before.problems).toEqual([]);
    expect(await retestPack(before.packs['nanchang-county'], byId(sources, 'nanchang-county').scenarios!)).toEqual([]);

    publishNationalV2(sources);
    const { packs, problems } = resolvePacks(sources);
    expect(problems).toEqual([]);
    const nc = packs['nanchang-county'];
    expect(nc.conflicts ?? []).toEqual([]);
    const doc = nc.procedures['dispute-mediation'];
    // national's change
    expect(doc.machine.states.revisit?.meta?.title).toEqual(t('回访', 'Follow-up visit'));
    expect((doc.machine.states.agreement.on!.PERFORMED as { target: string }).target).toBe('revisit');
    expect(nc.parameters.confirmationDays.value).toBe(20);
    // nanchang's own changes
    expect(nc.parameters.mediationDays.value).toBe(20);
    expect(nc.parameters.smallClaimsCap.value).toBe(38000);
    expect(Object.keys(doc.machine.states.mediation.states ?? {})).toEqual([
      'routing',
      'traffic',
      'labour',
      'medical',
      'people',
    ]);
    expect(doc.deadlines.mediationPeriod.onExpiry).toEqual({
      event: 'MEDIATION_EXPIRED',
      effects: ['supervision.notice'],
    });
    // re-tested with its own scenarios (the shipped ones and its own period)
    expect(Object.keys(byId(sources, 'nanchang-county').scenarios!)).toHaveLength(
      Object.keys(byId(fresh(), 'nanchang-county').scenarios!).length + 1,
    );
    expect(await retestPack(nc, byId(sources, 'nanchang-county').scenarios!)).toEqual([]);
    // the diff in words still says what nanchang changes, and nothing of national's new state as its own
    const paths = nc.overrides.map((o) => `${o.kind}:${o.change}:${o.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'parameter:changed:mediationDays',
        'parameter:changed:smallClaimsCap',
        'deadline:changed:deadlines.mediationPeriod',
      ]),
    );
    expect(paths.some((p) => p.includes('revisit'))).toBe(false);
  });
});

describe('a base change the county did not expect is a conflict, not applied', () => {
  it('a county patch that targets a state national removed: conflict naming it; the state is not re-created', () => {
    const sources = fresh();
    publishNationalV2(sources);
    const nc = byId(sources, 'nanchang-county');
    nc.patches = {
      'dispute-mediation': [
        {
          op: 'replace',
          path: '/machine/states/revisit/meta/title',
          was: t('回访', 'Follow-up visit'),
          value: t('电话回访', 'Phone follow-up'),
        },
      ],
    };
    expect(resolvePacks(sources).packs['nanchang-county'].conflicts ?? []).toEqual([]);
    // national's version 3 drops the follow-up visit again
    const nat = byId(sources, 'national').procedures['dispute-mediation'];
    delete nat.machine.states.revisit;
    delete nat.events.REVISITED;
    (nat.machine.states.agreement.on!.PERFORMED as { target: string }).target = 'closed';
    const { packs, problems } = resolvePacks(sources);
    expect(problems).toEqual([]);
    const conflicts = packs['nanchang-county'].conflicts!;
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({
      kind: 'patch',
      procedure: 'dispute-mediation',
      path: '/machine/states/revisit/meta/title',
      reason: 'removed',
      index: 0,
      op: 'replace',
    });
    expect(conflicts[0].message['zh-CN']).toContain('/machine/states/revisit');
    expect(walkStatesOf(packs['nanchang-county'].procedures['dispute-mediation'])).not.toContain('revisit');
  });

  it('national changes the value a county overrides: the override is a conflict (the county value kept, marked)', () => {
    const sources = fresh();
    byId(sources, 'national').manifest.parameters!.smallClaimsCap.value = 52000;
    const { packs } = resolvePacks(sources);
    expect(packs['nanchang-county'].conflicts).toEqual([
      expect.objectContaining({
        kind: 'parameter',
        path: 'smallClaimsCap',
        reason: 'changed',
        expected: 50000,
        base: 52000,
        county: 38000,
      }),
    ]);
    expect(packs['nanchang-county'].parameters.smallClaimsCap.value).toBe(38000);
  });

  it('a county scenario that the new base breaks is reported with its failures', async () => {
    const sources = fresh();
    byId(sources, 'national').manifest.parameters!.simplifiedMonths.value = 4;
    const { packs } = resolvePacks(sources);
    const conflicts = await retestPack(packs['nanchang-county'], byId(sources, 'nanchang-county').scenarios!);
    expect(conflicts.map((c) => [c.kind, c.procedure, c.path]).sort()).toEqual([
      ['scenario', 'dispute-mediation', 'dispute-mediation-marriage-status-10000'],
      ['scenario', 'dispute-mediation', 'dispute-mediation-over-cap-simplified'],
    ]);
    expect(conflicts[0].details!.join('\n')).toContain('trialSimplified');
  });
});

describe("a county's data file holds what it adds, laid over the base's lists", () => {
  it('national adds a duty-list item: baoan (with its own items) gains it; an item taken out is said, not left out', () => {
    const sources = fresh();
    const nat = byId(sources, 'national').data['duty-lists'] as { negative: { id: string; title: unknown }[] };
    nat.negative.push({ id: 'N99', title: t('新增负面清单事项(示例)', 'New negative-list item (sample)') });
    const baoan = byId(sources, 'baoan-district').data['duty-lists'] as {
      negative: { id: string; removed?: boolean }[];
    };
    baoan.negative.push({ id: 'N01', removed: true });
    const { packs, problems } = resolvePacks(sources);
    expect(problems).toEqual([]);
    const ids = (packs['baoan-district'].data['duty-lists'] as { negative: { id: string }[] }).negative.map(
      (x) => x.id,
    );
    expect(ids).toContain('N99');
    expect(ids).toContain('BA-N01');
    expect(ids).not.toContain('N01');
    const o = packs['baoan-district'].overrides.filter((x) => x.kind === 'data').map((x) => `${x.change} ${x.path}`);
    expect(o).toEqual(
      expect.arrayContaining(['removed data/duty-lists/negative/N01', 'added data/duty-lists/negative/BA-N01']),
    );
    expect(o.some((x) => x.includes('N99'))).toBe(false);
  });
});

describe('a full copy of a base procedure is not a county pack', () => {
  it('a county holding a copy: FROZEN_COPY without upgrade; with upgrade it becomes the operations against the base', () => {
    const sources = fresh();
    const copy = structuredClone(byId(sources, 'national').procedures['dispute-mediation']) as ProcedureDoc;
    copy.deadlines.mediationPeriod.amount = 20;
    byId(sources, 'nanchang-county').procedures['dispute-mediation'] = copy;
    expect(resolvePacks(sources).problems.map((p) => [p.code, p.path])).toEqual([
      ['FROZEN_COPY', '/packs/nanchang-county/procedures/dispute-mediation'],
    ]);
    const up = resolvePacks(sources, { upgrade: true });
    expect(up.problems).toEqual([]);
    expect(up.upgraded['nanchang-county'].patches['dispute-mediation']).toEqual([
      { op: 'replace', path: '/deadlines/mediationPeriod/amount', was: { param: 'mediationDays' }, value: 20 },
    ]);
    expect(up.upgraded['nanchang-county'].procedures).toEqual({});
  });

  it('no county pack under configs/packs holds a full copy of a base procedure, or a patch without what it expected of the base', () => {
    const sources = loadPacksRoot('configs/packs');
    const ids = new Map(sources.map((s) => [s.manifest.id, s]));
    const counties = sources.filter((s) => s.manifest.extends);
    expect(counties.length).toBeGreaterThanOrEqual(4);
    for (const c of counties) {
      const base = ids.get(c.manifest.extends!)!;
      const baseProcedures = new Set(Object.keys(resolvePacks(sources).packs[base.manifest.id].procedures));
      expect(
        Object.keys(c.procedures).filter((id) => baseProcedures.has(id)),
        c.manifest.id,
      ).toEqual([]);
      const dir = join('configs/packs', c.manifest.id, 'patches');
      for (const f of existsSync(dir) ? readdirSync(dir) : []) {
        const file = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
          procedure: string;
          changes?: OverlayOp[];
          patch?: unknown;
        };
        expect(file.patch, `${dir}/${f} is a merge patch`).toBeUndefined();
        expect(Array.isArray(file.changes), `${dir}/${f}`).toBe(true);
        // an operation on the whole document, or a whole machine, rules or deadlines section, would be a copy
        for (const op of file.changes!)
          expect(op.path.split('/').length, `${dir}/${f} ${op.path}`).toBeGreaterThanOrEqual(3);
      }
      for (const [name, p] of Object.entries(c.manifest.parameters ?? {})) {
        if (resolvePacks(sources).packs[base.manifest.id].parameters[name])
          expect('baseValue' in p, `${c.manifest.id} parameter ${name}`).toBe(true);
      }
    }
  });
});
