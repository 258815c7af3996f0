/**
 * Packs over the API: a bundle imported over HTTP, cases started, a changed bundle re-imported — old cases stay on
 * the old version (and its parameters), new ones start on the new. Bad bundles and locked overrides change nothing.
 * Drafts, publish, versions, simulate, export; a restart keeps what the designer published.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPackDir } from '../../server/packs';
import { bundleOf } from '../../server/packs/bundle';
import { server, stored, tempDir, mediationData } from './helpers';

let srv: Awaited<ReturnType<typeof server>>;
let dataDir: string;
beforeAll(async () => {
  dataDir = tempDir();
  srv = await server({ dataDir, now: '2025-09-26T10:00:00+08:00' });
});
afterAll(() => srv.close());

/** A county bundle built from nanchang-county, renamed, with its own mediation period. */
function demoBundle(mediationDays: number) {
  const b = structuredClone(bundleOf(loadPackDir('configs/packs/nanchang-county')));
  b.manifest = {
    ...b.manifest,
    id: 'demo-county',
    title: { 'zh-CN': '示例县配置包', en: 'Demo county pack (sample)' },
    parameters: {
      ...b.manifest.parameters,
      mediationDays: {
        value: mediationDays,
        title: { 'zh-CN': '委派调解期限(示例)', en: 'Mediation period (sample)' },
        unit: 'days',
        basis: {
          'zh-CN': '《最高人民法院关于人民法院特邀调解的规定》第27条',
          en: 'SPC Provisions on Specially Invited Mediation, Art. 27',
        },
        sample: true,
      },
    },
  };
  b.scenarios = {};
  return b;
}

describe('importing packs over HTTP', () => {
  it('pins running cases to their version when a changed bundle is re-imported', async () => {
    const first = await srv.api.post('/api/packs', demoBundle(20));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.procedures).toContainEqual({ id: 'dispute-mediation', version: 1 });
    const old = await srv.api.start('demo-county', 'dispute-mediation', mediationData);
    expect(old).toMatchObject({ version: 1, deadlines: [{ name: 'mediationPeriod', dueDate: '2025-10-16' }] });

    const second = await srv.api.post('/api/packs', demoBundle(25));
    expect(second.status).toBe(201);
    expect(second.body.procedures).toContainEqual({ id: 'dispute-mediation', version: 2 });
    const fresh = await srv.api.start('demo-county', 'dispute-mediation', mediationData);
    expect(fresh).toMatchObject({ version: 2, deadlines: [{ name: 'mediationPeriod', dueDate: '2025-10-21' }] });

    // the old case still runs on version 1: its extension adds 20 days, the new one's 25
    const consent = { consentingParties: ['张三', '李四'] };
    const extOld = await srv.api.event(old.id, 'EXTEND_MEDIATION', consent);
    const extNew = await srv.api.event(fresh.id, 'EXTEND_MEDIATION', consent);
    expect(extOld.body).toMatchObject({ version: 1, deadlines: [{ dueDate: '2025-11-05' }] });
    expect(extNew.body).toMatchObject({ version: 2, deadlines: [{ dueDate: '2025-11-17' }] }); // 11-15 is a Saturday → Monday
    expect((await srv.api.get('/api/packs/demo-county/procedures/dispute-mediation?version=1')).body.version).toBe(1);
    const versions = (await srv.api.get('/api/packs/demo-county/procedures/dispute-mediation/versions')).body;
    expect(versions.map((v: { version: number; source: string }) => [v.version, v.source])).toEqual([
      [1, 'import'],
      [2, 'import'],
    ]);
  });

  it('re-importing an unchanged bundle publishes nothing new', async () => {
    const again = await srv.api.post('/api/packs', demoBundle(25));
    expect(again.status).toBe(201);
    expect(again.body.published).toEqual([]);
  });

  it('exports what was imported', async () => {
    const r = await srv.api.get('/api/packs/demo-county/export');
    expect(r.status).toBe(200);
    expect(r.body.format).toBe('gongzhi-pack/1');
    expect(r.body.manifest.parameters.mediationDays.value).toBe(25);
  });

  it('refuses a bad bundle with every problem (422) and changes nothing', async () => {
    const bad = demoBundle(25);
    bad.manifest.id = 'bad-county';
    (bad.patches as Record<string, unknown>)['dispute-mediation'] = {
      rules: { nosuch: null },
      machine: { states: { mediation: { on: { AGREEMENT_SIGNED: { guard: 'nosuch' } } } } },
    };
    bad.manifest.parameters!.confirmationWindowDays = { ...bad.manifest.parameters!.mediationDays, value: 60 };
    const before = await stored(dataDir);
    const r = await srv.api.post('/api/packs', bad);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('INVALID_DEFINITION');
    const codes = r.body.error.details.map((p: { code: string }) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['UNKNOWN_RULE', 'PACK_LOCKED']));
    expect(r.body.error.details.find((p: { code: string }) => p.code === 'PACK_LOCKED').message['zh-CN']).toMatch(
      /锁定/,
    );
    expect(await stored(dataDir)).toEqual(before);
    expect((await srv.api.get('/api/packs/bad-county')).status).toBe(404);
  });
});

describe('drafts and publishing', () => {
  it('save a draft, publish it as a new immutable version; county packs built on it follow', async () => {
    const doc = (await srv.api.get('/api/packs/national/procedures/dispute-mediation')).body;
    expect((await srv.api.get('/api/packs/national/procedures/dispute-mediation/draft')).status).toBe(404);
    doc.machine.states.mediation.meta.title = { 'zh-CN': '人民调解(已修改)', en: 'People’s mediation (edited)' };
    delete doc.version;
    expect((await srv.api.put('/api/packs/national/procedures/dispute-mediation/draft', doc)).status).toBe(200);
    expect(
      (await srv.api.get('/api/packs/national/procedures/dispute-mediation/draft')).body.machine.states.mediation.meta
        .title['zh-CN'],
    ).toBe('人民调解(已修改)');
    const before = (await srv.api.get('/api/packs/nanchang-county/procedures/dispute-mediation/versions')).body.length;
    const pub = await srv.api.post('/api/packs/national/procedures/dispute-mediation/publish', {
      note: '调解标题修改',
    });
    expect(pub.status).toBe(201);
    expect(pub.body.version).toBe(2);
    const mine = (await srv.api.get('/api/packs/national/procedures/dispute-mediation/versions')).body.at(-1);
    expect(mine).toMatchObject({ version: 2, source: 'designer', note: '调解标题修改', by: expect.any(String) });
    expect(mine.followed).toBeUndefined();
    expect((await srv.api.get('/api/packs/national/procedures/dispute-mediation/draft')).status).toBe(404);
    const latest = (await srv.api.get('/api/packs/national/procedures/dispute-mediation')).body;
    expect([latest.version, latest.machine.states.mediation.meta.title['zh-CN']]).toEqual([2, '人民调解(已修改)']);
    expect(
      (await srv.api.get('/api/packs/national/procedures/dispute-mediation?version=1')).body.machine.states.mediation
        .meta.title['zh-CN'],
    ).not.toBe('人民调解(已修改)');
    const county = (await srv.api.get('/api/packs/nanchang-county/procedures/dispute-mediation/versions')).body;
    expect(county.length).toBe(before + 1);
    // the county's new version says it follows national's publish, and is not the county's own
    expect(county.at(-1)).toMatchObject({ followed: 'national' });
    expect(county.at(-1).note).toBeUndefined();
  });

  it('simulate the draft or an unsaved definition; nothing is stored', async () => {
    const before = await stored(dataDir);
    const trace = await srv.api.post('/api/packs/national/procedures/dispute-mediation/simulate', {
      data: mediationData,
      at: '2025-09-26T10:00:00+08:00',
      events: [
        { type: 'AGREEMENT_SIGNED', payload: { effectiveOn: '2025-09-26', form: 'written' } },
        {
          type: 'APPLY_CONFIRMATION',
          payload: { appliedOn: '2025-10-10', applicants: ['张三'] },
          at: '2025-10-10T09:00:00+08:00',
        },
        { type: 'APPLY_CONFIRMATION', payload: { appliedOn: '2025-10-10', applicants: ['张三', '李四'] } },
        { type: 'CONFIRMED', payload: {}, at: '2025-10-15T09:00:00+08:00' },
      ],
    });
    expect(trace.status, JSON.stringify(trace.body)).toBe(200);
    expect(trace.body.map((t: { event: string; state: string }) => [t.event, t.state])).toEqual([
      ['START', 'mediation'],
      ['AGREEMENT_SIGNED', 'agreement'],
      ['APPLY_CONFIRMATION', 'agreement'],
      ['APPLY_CONFIRMATION', 'judicialConfirmation'],
      ['CONFIRMED', 'closed'],
    ]);
    expect(trace.body[2].refused.code).toBe('GUARD_REJECTED');
    expect(trace.body[3].deadlines[0]).toMatchObject({ name: 'confirmationPeriod', dueDate: '2025-10-27' });
    expect(trace.body[3].rules.every((r: { basis: object }) => r.basis)).toBe(true);
    expect(await stored(dataDir)).toEqual(before);

    const unsaved = (await srv.api.get('/api/packs/national/procedures/dispute-mediation')).body;
    delete unsaved.version; // a draft has no version yet
    unsaved.machine.states.mediation.meta.title = { 'zh-CN': '未保存的修改', en: 'Unsaved edit' };
    const sim = await srv.api.post('/api/packs/national/procedures/dispute-mediation/simulate', {
      data: mediationData,
      definition: unsaved,
    });
    expect(sim.status, JSON.stringify(sim.body)).toBe(200);
    expect(sim.body[0].state).toBe('mediation');

    const broken = (await srv.api.get('/api/packs/national/procedures/dispute-mediation')).body;
    broken.machine.initial = 'nowhere';
    const bad = await srv.api.post('/api/packs/national/procedures/dispute-mediation/simulate', {
      data: mediationData,
      definition: broken,
    });
    expect(bad.status).toBe(422);
  });

  it('a county pack overriding a locked rule is refused over HTTP', async () => {
    const b = demoBundle(25);
    b.manifest.id = 'locked-county';
    (b.patches as Record<string, unknown>)['dispute-mediation'] = {
      rules: { withinConfirmationWindow: { description: { 'zh-CN': '60日内', en: 'within 60 days' } } },
    };
    const r = await srv.api.post('/api/packs', b);
    expect(r.status).toBe(422);
    expect(r.body.error.details.map((p: { code: string }) => p.code)).toContain('PACK_LOCKED');
  });

  it('a restart keeps what the designer published (the pack files did not change)', async () => {
    await srv.close();
    srv = await server({ dataDir });
    const latest = (await srv.api.get('/api/packs/national/procedures/dispute-mediation')).body;
    expect([latest.version, latest.machine.states.mediation.meta.title['zh-CN']]).toEqual([2, '人民调解(已修改)']);
    expect((await srv.api.get('/api/packs/demo-county')).body.parameters.mediationDays.value).toBe(25);
  });
});

describe('GET /api/packs/:pack', () => {
  it('shows what a county changes against its base', async () => {
    const p = (await srv.api.get('/api/packs/nanchang-county')).body;
    expect(p.lineage).toEqual(['national', 'nanchang-county']);
    expect(p.overrides).toContainEqual(
      expect.objectContaining({ kind: 'parameter', path: expect.stringContaining('smallClaimsCap') }),
    );
    expect(p.procedures['dispute-mediation'].version).toBeGreaterThanOrEqual(1);
  });
});

it('a fresh data folder loads every bundled pack (national and four counties)', async () => {
  const s = await server({ dataDir: tempDir() });
  const ids = (await s.api.get('/api/packs')).body.map((p: { id: string }) => p.id);
  expect(ids).toEqual(['baoan-district', 'gaotai-county', 'jiangyin-city', 'nanchang-county', 'national']);
  await s.close();
});
