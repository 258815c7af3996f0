/**
 * Counties follow their base over HTTP (issue #15): a county's parameter and procedure changes are published as
 * overlays (never a copy); when national publishes a new version every county is re-resolved and re-tested — one that
 * applies cleanly gets new versions (`followed`), one that does not is `conflicted` in GET /api/packs/:pack with what
 * conflicts, its procedure held on its published version. Running cases stay pinned until an admin migrates them
 * (one case, or a batch with a dry run first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOverlay, jsonEqual, type OverlayOp } from '../../engine';
import { loadPackDir } from '../../server/packs';
import { bundleOf } from '../../server/packs/bundle';
import { mediationData, server, stored, tempDir } from './helpers';

let srv: Awaited<ReturnType<typeof server>>;
let dataDir: string;
beforeAll(async () => {
  dataDir = tempDir();
  srv = await server({ dataDir, now: '2025-09-26T10:00:00+08:00' });
});
afterAll(() => srv.close());

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const DM = 'dispute-mediation';
const mediator = { subject: '调解员王芳(示例)', roles: ['mediator'] };

/** Publishes a national change made on its latest published document, as the designer does. */
async function publishNational(change: (doc: any) => void, note: string): Promise<number> {
  const doc = (await srv.api.get(`/api/packs/national/procedures/${DM}`)).body;
  const { version: _v, ...draft } = doc;
  change(draft);
  const put = await srv.api.put(`/api/packs/national/procedures/${DM}/draft`, draft);
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  expect(put.body.problems).toEqual([]);
  const pub = await srv.api.post(`/api/packs/national/procedures/${DM}/publish`, { note });
  expect(pub.status, JSON.stringify(pub.body)).toBe(201);
  return pub.body.version;
}

const addRevisit = (d: any) => {
  d.machine.states.revisit = {
    meta: { title: t('回访', 'Follow-up visit'), roles: ['mediator'] },
    on: { REVISITED: { target: 'closed' } },
  };
  d.machine.states.agreement.on.PERFORMED.target = 'revisit';
  d.events.REVISITED = { title: t('回访完成', 'Follow-up visit done'), roles: ['mediator'] };
  d.deadlines.confirmationPeriod.amount = 20; // a changed period: the review now 20 days
};

describe('national publishes: nanchang follows with its own changes', () => {
  let ncCase: { id: string; version: number; rev: number; deadlines: { name: string; dueDate: string }[] };
  let other: { id: string };
  let natV2 = 0;

  it('a county parameter is a pack draft, published with the base value it replaces', async () => {
    const locked = await srv.api.put('/api/packs/nanchang-county/draft', {
      parameters: { confirmationWindowDays: { value: 60 } },
    });
    expect(locked.status).toBe(422);
    expect(locked.body.error.details).toEqual([
      expect.objectContaining({ code: 'PACK_LOCKED', path: '/parameters/confirmationWindowDays' }),
    ]);
    expect((await srv.api.get('/api/packs/nanchang-county/draft?ifExists=1')).status).toBe(204);

    const put = await srv.api.put('/api/packs/nanchang-county/draft', { parameters: { mediationDays: { value: 20 } } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.parameters.mediationDays).toMatchObject({
      value: 20,
      baseValue: 30,
      unit: 'calendarDays',
      title: { 'zh-CN': '调解期限' },
    });
    const pub = await srv.api.post('/api/packs/nanchang-county/publish', { note: '本县调解期限20日(示例)' });
    expect(pub.status, JSON.stringify(pub.body)).toBe(201);
    expect(pub.body.published).toContainEqual({ pack: 'nanchang-county', procedure: DM, version: 2 });
    const pack = (await srv.api.get('/api/packs/nanchang-county')).body;
    expect(pack.parameters.mediationDays.value).toBe(20);
    expect(pack.overrides).toContainEqual(
      expect.objectContaining({ kind: 'parameter', path: 'mediationDays', from: 30, to: 20 }),
    );
  });

  it("a county's change to a base procedure is published as a patch against the base, not a copy", async () => {
    const natVersion = (await srv.api.get(`/api/packs/national/procedures/${DM}`)).body.version;
    // what nanchang ships for the procedure (its triage to stationed departments' mediation), as operations
    const shipped = (await srv.api.get('/api/packs/nanchang-county/export')).body.patches[DM];
    expect(shipped.length).toBeGreaterThan(0);
    const doc = (await srv.api.get(`/api/packs/nanchang-county/procedures/${DM}`)).body;
    const { version: _v, ...draft } = doc;
    draft.deadlines.mediationPeriod.onExpiry = { event: 'MEDIATION_EXPIRED', effects: ['supervision.notice'] };
    const put = await srv.api.put(`/api/packs/nanchang-county/procedures/${DM}/draft?baseVersion=${natVersion}`, draft);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.conflicts).toEqual([]);
    const pub = await srv.api.post(`/api/packs/nanchang-county/procedures/${DM}/publish`, {});
    expect(pub.status, JSON.stringify(pub.body)).toBe(201);
    expect(pub.body.version).toBe(3);
    const exported = (await srv.api.get('/api/packs/nanchang-county/export')).body;
    expect(exported.procedures).toEqual({});
    // its change is one operation, beside what it ships: the others, laid over national, give what the shipped did
    const added = { op: 'add', path: '/deadlines/mediationPeriod/onExpiry/effects', value: ['supervision.notice'] };
    expect(exported.patches[DM]).toContainEqual(added);
    const base = (await srv.api.get(`/api/packs/national/procedures/${DM}`)).body;
    const rest = exported.patches[DM].filter((op: OverlayOp) => !jsonEqual(op, added));
    expect(applyOverlay(base, rest)).toEqual(applyOverlay(base, shipped));
    expect(applyOverlay(base, rest).conflicts).toEqual([]);
    ncCase = await srv.api.start('nanchang-county', DM, mediationData);
    expect(ncCase).toMatchObject({ version: 3, deadlines: [{ name: 'mediationPeriod', dueDate: '2025-10-16' }] }); // 20 days
    other = await srv.api.start('nanchang-county', DM, mediationData);
    const signed = await srv.api.event(
      other.id,
      'AGREEMENT_SIGNED',
      { effectiveOn: '2025-09-26', form: 'oral' },
      mediator,
    );
    expect(signed.body).toMatchObject({ version: 3, state: 'agreement' });
  });

  it('national publishes an added state and a changed period: nanchang follows, keeps both of its changes, its scenarios pass', async () => {
    natV2 = await publishNational(addRevisit, '增加回访环节;司法确认审查期限20日(示例)');
    const pack = (await srv.api.get('/api/packs/nanchang-county')).body;
    expect(pack.status).toBe('ok');
    expect(pack.conflicts).toEqual([]);
    const doc = pack.procedures[DM];
    expect(doc.machine.states.revisit.meta.title).toEqual(t('回访', 'Follow-up visit'));
    expect(doc.deadlines.confirmationPeriod.amount).toBe(20);
    expect(doc.deadlines.mediationPeriod.onExpiry).toEqual({
      event: 'MEDIATION_EXPIRED',
      effects: ['supervision.notice'],
    });
    expect(pack.parameters.mediationDays.value).toBe(20);
    expect(doc.version).toBe(4);
    const versions = (await srv.api.get(`/api/packs/nanchang-county/procedures/${DM}/versions`)).body;
    expect(versions[versions.length - 1]).toMatchObject({ version: 4, followed: 'national' });
    // the other counties follow too
    expect((await srv.api.get('/api/packs/gaotai-county')).body.procedures[DM].machine.states.revisit).toBeDefined();
    // a new nanchang case starts on the new version; the running one stays where it was
    const fresh = await srv.api.start('nanchang-county', DM, mediationData);
    expect(fresh).toMatchObject({ version: 4, deadlines: [{ name: 'mediationPeriod', dueDate: '2025-10-16' }] });
    expect((await srv.api.get(`/api/instances/${ncCase.id}`)).body).toMatchObject({ version: 3, rev: ncCase.rev });
  });

  it('a batch migration dry run lists every case and changes nothing; the real run moves them, each history shows it', async () => {
    const before = await stored(dataDir);
    const dry = await srv.api.post(`/api/packs/nanchang-county/procedures/${DM}/migrate`, {});
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({ toVersion: 4, dryRun: true, moved: 0, refused: 0 });
    expect(dry.body.cases.map((c: { id: string }) => c.id).sort()).toEqual([ncCase.id, other.id].sort());
    expect(dry.body.cases.find((c: { id: string }) => c.id === ncCase.id)).toMatchObject({
      fromVersion: 3,
      toVersion: 4,
      state: { from: 'mediation.people', to: 'mediation.people' }, // a neighbours' dispute: people's mediation
      moved: false,
      problems: [],
      deadlines: [{ name: 'mediationPeriod', change: 'unchanged' }],
    });
    expect(await stored(dataDir)).toEqual(before);

    const run = await srv.api.post(`/api/packs/nanchang-county/procedures/${DM}/migrate`, { dryRun: false });
    expect(run.body).toMatchObject({ toVersion: 4, dryRun: false, moved: 2, refused: 0 });
    for (const id of [ncCase.id, other.id]) {
      const inst = (await srv.api.get(`/api/instances/${id}`)).body;
      expect(inst.version).toBe(4);
      const history = (await srv.api.get(`/api/instances/${id}/history`)).body;
      expect(history[history.length - 1]).toMatchObject({
        type: 'MIGRATED',
        payload: { fromVersion: 3, toVersion: 4 },
        actor: { subject: 'admin' },
      });
    }
    // on version 4 the agreement case goes to the follow-up visit
    const performed = await srv.api.event(other.id, 'PERFORMED', {}, mediator);
    expect(performed.body.state).toBe('revisit');
    // nothing left to move
    expect((await srv.api.post(`/api/packs/nanchang-county/procedures/${DM}/migrate`, {})).body.cases).toEqual([]);
  });

  it('a county patch that targets a state national then removes: conflicted, not applied, held on its version', async () => {
    const b = structuredClone(bundleOf(loadPackDir('configs/packs/nanchang-county')));
    b.manifest = { ...b.manifest, id: 'revisit-county', title: t('回访县(示例)', 'Follow-up county (sample)') };
    b.scenarios = {};
    b.patches = {
      [DM]: [
        {
          op: 'replace',
          path: '/machine/states/revisit/meta/title',
          was: t('回访', 'Follow-up visit'),
          value: t('电话回访(示例)', 'Phone follow-up (sample)'),
        },
      ],
    };
    const imp = await srv.api.post('/api/packs', b);
    expect(imp.status, JSON.stringify(imp.body)).toBe(201);
    const versionBefore = (await srv.api.get(`/api/packs/revisit-county/procedures/${DM}`)).body.version;
    const running = await srv.api.start('revisit-county', DM, mediationData);

    const v3 = await publishNational((d) => {
      delete d.machine.states.revisit;
      delete d.events.REVISITED;
      d.machine.states.agreement.on.PERFORMED.target = 'closed';
    }, '取消回访环节(示例)');
    expect(v3).toBe(natV2 + 1);
    const pack = (await srv.api.get('/api/packs/revisit-county')).body;
    expect(pack.status).toBe('conflicted');
    expect(pack.held).toEqual([DM]);
    expect(pack.conflicts).toEqual([
      expect.objectContaining({
        kind: 'patch',
        procedure: DM,
        path: '/machine/states/revisit/meta/title',
        reason: 'removed',
        op: 'replace',
        expected: t('回访', 'Follow-up visit'),
        county: t('电话回访(示例)', 'Phone follow-up (sample)'),
      }),
    ]);
    expect(pack.conflicts[0].message['zh-CN']).toContain('/machine/states/revisit');
    // not applied (no fragment of the removed state), and its procedure stays on the version it had
    expect(pack.procedures[DM].machine.states.revisit).toBeUndefined();
    expect(pack.procedures[DM].version).toBe(versionBefore);
    expect((await srv.api.get(`/api/instances/${running.id}`)).body.version).toBe(versionBefore);
    // nanchang, which never touched the state, follows
    expect((await srv.api.get('/api/packs/nanchang-county')).body).toMatchObject({ status: 'ok', conflicts: [] });
    // the conflict is kept across a restart
    await srv.close();
    srv = await server({ dataDir, now: '2025-09-26T10:00:00+08:00' });
    expect((await srv.api.get('/api/packs/revisit-county')).body).toMatchObject({ status: 'conflicted', held: [DM] });
  });

  it('a single case whose state the new version lacks is refused with the problem; a state map moves it', async () => {
    // a national case on version 2 reaches the follow-up visit; version 3 has none
    const inst = await srv.api.start('national', DM, mediationData);
    const r = await srv.api.post(`/api/instances/${inst.id}/migrate`, { toVersion: natV2 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await srv.api.event(inst.id, 'AGREEMENT_SIGNED', { effectiveOn: '2025-09-26', form: 'oral' }, mediator);
    expect((await srv.api.event(inst.id, 'PERFORMED', {}, mediator)).body.state).toBe('revisit');
    const before = await stored(dataDir);
    const refused = await srv.api.post(`/api/instances/${inst.id}/migrate`, { toVersion: natV2 + 1 });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('MIGRATION_REFUSED');
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({ code: 'NO_COUNTERPART', path: '/state/revisit' }),
    ]);
    expect(await stored(dataDir)).toEqual(before);
    const dry = await srv.api.post(`/api/instances/${inst.id}/migrate`, {
      toVersion: natV2 + 1,
      stateMap: { revisit: 'agreement' },
      dryRun: true,
    });
    expect(dry.body).toMatchObject({ dryRun: true, moved: false, state: { from: 'revisit', to: 'agreement' } });
    expect(await stored(dataDir)).toEqual(before);
    const ok = await srv.api.post(`/api/instances/${inst.id}/migrate`, {
      toVersion: natV2 + 1,
      stateMap: { revisit: 'agreement' },
    });
    expect(ok.body).toMatchObject({ moved: true, state: { to: 'agreement' } });
    expect((await srv.api.get(`/api/instances/${inst.id}`)).body).toMatchObject({
      version: natV2 + 1,
      state: 'agreement',
    });
  });
});

describe('a county list item', () => {
  it('is a pack draft item, published as the county’s own item laid over the base’s list (not a copy of the list)', async () => {
    const item = {
      id: 'NC-S01',
      title: t('组织开展本县矛盾纠纷排查(示例)', 'County dispute screening (sample)'),
      sample: true,
    };
    const bad = await srv.api.put('/api/packs/nanchang-county/draft', { data: { 'duty-lists': { nosuch: [item] } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_LIST', path: '/data/duty-lists/nosuch' }),
    ]);
    const put = await srv.api.put('/api/packs/nanchang-county/draft', {
      data: { 'duty-lists': { statutory: [item] } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await srv.api.get('/api/packs/nanchang-county/draft')).body.data).toEqual({
      'duty-lists': { statutory: [item] },
    });
    const pub = await srv.api.post('/api/packs/nanchang-county/publish', {});
    expect(pub.status, JSON.stringify(pub.body)).toBe(201);
    expect(pub.body.published.map((p: { procedure: string }) => p.procedure)).toEqual(['duty-admission']);
    const pack = (await srv.api.get('/api/packs/nanchang-county')).body;
    const national = (await srv.api.get('/api/packs/national')).body;
    expect(pack.data['duty-lists'].statutory.map((x: { id: string }) => x.id)).toEqual([
      ...national.data['duty-lists'].statutory.map((x: { id: string }) => x.id),
      'NC-S01',
    ]);
    expect(pack.overrides).toContainEqual(
      expect.objectContaining({ kind: 'data', change: 'added', path: 'data/duty-lists/statutory/NC-S01' }),
    );
    const own = (await srv.api.get('/api/packs/nanchang-county/export')).body.data['duty-lists'];
    expect(own.statutory).toEqual([item]);
    expect(own.negative).toBeUndefined();
  });
});

describe('a bundle holding a copy of a base procedure', () => {
  it('is stored as the operations against the base', async () => {
    const b = structuredClone(bundleOf(loadPackDir('configs/packs/nanchang-county')));
    b.manifest = { ...b.manifest, id: 'copy-county', title: t('副本县(示例)', 'Copy county (sample)') };
    b.scenarios = {};
    const copy = structuredClone((await srv.api.get(`/api/packs/national/procedures/${DM}`)).body);
    delete copy.version;
    copy.deadlines.mediationPeriod.amount = 15;
    b.procedures = { [DM]: copy };
    const imp = await srv.api.post('/api/packs', b);
    expect(imp.status, JSON.stringify(imp.body)).toBe(201);
    const exported = (await srv.api.get('/api/packs/copy-county/export')).body;
    expect(exported.procedures).toEqual({});
    expect(exported.patches[DM]).toEqual([
      { op: 'replace', path: '/deadlines/mediationPeriod/amount', was: { param: 'mediationDays' }, value: 15 },
    ]);
    expect(exported.manifest.parameters.smallClaimsCap.baseValue).toBe(50000);
  });
});
