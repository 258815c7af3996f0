/**
 * Bad input: every error code of API.md provoked at least once, each answered with its status and the error shape
 * {error: {code, message: {zh-CN, en}, details}}, never a 500 — and after each one, every stored byte is as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { server, stored, mediationData, type Api } from './helpers';

let srv: Awaited<ReturnType<typeof server>>;
let api: Api;
let caseId: string;
let rev: number;

beforeAll(async () => {
  srv = await server();
  api = srv.api;
  const c = await api.start('national', 'dispute-mediation', mediationData);
  caseId = c.id;
  rev = c.rev;
});
afterAll(() => srv.close());

const seen = new Set<string>();

/** Runs a bad call and checks status, code, shape, and that DATA_DIR is byte-for-byte unchanged. */
async function refused(call: () => Promise<{ status: number; body: any }>, status: number, code: string) {
  const before = await stored(dataDir());
  const r = await call();
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body?.error?.code).toBe(code);
  expect(r.body.error.message['zh-CN'].length).toBeGreaterThan(0);
  expect(r.body.error.message.en.length).toBeGreaterThan(0);
  expect(await stored(dataDir())).toEqual(before);
  seen.add(code);
  return r.body.error;
}
const dataDir = () => srv.dataDir;

describe('bad input gets a 4xx and changes nothing', () => {
  it('malformed JSON → 400 BAD_REQUEST naming the parse error', async () => {
    const e = await refused(() => api.post('/api/instances', '{"pack": "national", '), 400, 'BAD_REQUEST');
    expect(e.message.en).toMatch(/not valid JSON/);
  });

  it('wrong types and unknown fields → 400 with every problem and its JSON path', async () => {
    const e = await refused(
      () => api.post('/api/instances', { pack: 7, procedure: 'dispute-mediation', data: [], extra: true }),
      400,
      'BAD_REQUEST',
    );
    const paths = e.details.map((p: { path: string }) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['/pack', '/data', '/extra']));
  });

  it('nesting deeper than 64 levels → 400 before parsing', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const e = await refused(() => api.post(`/api/instances/${caseId}/events`, deep), 400, 'BAD_REQUEST');
    expect(e.message.en).toMatch(/nested deeper/);
  });

  it('a body over 1 MiB → 413 PAYLOAD_TOO_LARGE', async () => {
    const huge = {
      type: 'AGREEMENT_SIGNED',
      payload: { effectiveOn: '2025-09-26', form: 'written', note: 'x'.repeat(1_100_000) },
    };
    await refused(() => api.post(`/api/instances/${caseId}/events`, huge), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a huge but shallow payload under 1 MiB → the event schema refuses it (422), nothing stored', async () => {
    const many = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
    const e = await refused(
      () => api.event(caseId, 'AGREEMENT_SIGNED', { effectiveOn: '2025-09-26', form: 'written', ...many }),
      422,
      'INVALID_PAYLOAD',
    );
    expect(e.details.length).toBeGreaterThan(0);
  });

  it('not JSON at all → 415', async () => {
    await refused(
      () => api.post('/api/instances', 'pack=national', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('no token, or an unknown one → 401 UNAUTHORIZED', async () => {
    await refused(() => api.as('').get('/api/packs'), 401, 'UNAUTHORIZED');
    await refused(() => api.as('nope').get(`/api/instances/${caseId}`), 401, 'UNAUTHORIZED');
  });

  it('a role the event does not allow → 403 FORBIDDEN', async () => {
    const e = await refused(
      () => api.event(caseId, 'AGREEMENT_SIGNED', { effectiveOn: '2025-09-26', form: 'written' }, { roles: ['court'] }),
      403,
      'FORBIDDEN',
    );
    expect(e.details.roles).toEqual(['mediator']);
  });

  it('an unknown pack, procedure, case or endpoint → 404 NOT_FOUND', async () => {
    await refused(
      () => api.post('/api/instances', { pack: 'no-such-pack', procedure: 'dispute-mediation', data: {} }),
      404,
      'NOT_FOUND',
    );
    await refused(
      () => api.post('/api/instances', { pack: 'national', procedure: 'no-such-procedure', data: {} }),
      404,
      'NOT_FOUND',
    );
    await refused(() => api.get('/api/instances/0000000000000000000'), 404, 'NOT_FOUND');
    await refused(() => api.get('/api/nothing-here'), 404, 'NOT_FOUND');
  });

  it('an event the state has no transition for (or an unknown event) → 409 EVENT_NOT_ALLOWED listing the allowed events', async () => {
    const e = await refused(() => api.event(caseId, 'CONFIRMED', {}), 409, 'EVENT_NOT_ALLOWED');
    expect(e.details.allowed.sort()).toEqual(['AGREEMENT_SIGNED', 'EXTEND_MEDIATION', 'MEDIATION_FAILED']);
    await refused(() => api.event(caseId, 'NO_SUCH_EVENT', {}), 409, 'EVENT_NOT_ALLOWED');
  });

  it('an event whose guards all fail → 409 GUARD_REJECTED with each rule, its description and legal basis', async () => {
    const e = await refused(
      () => api.event(caseId, 'EXTEND_MEDIATION', { consentingParties: ['张三'] }),
      409,
      'GUARD_REJECTED',
    );
    expect(e.details.rules.length).toBeGreaterThan(0);
    for (const r of e.details.rules) {
      expect(r.result).toBe(false);
      expect(r.description['zh-CN'].length).toBeGreaterThan(0);
      expect(r.basis['zh-CN'].length).toBeGreaterThan(0);
    }
  });

  it('a stale If-Match → 409 REVISION_CONFLICT with the current revision', async () => {
    const e = await refused(
      () => api.event(caseId, 'MEDIATION_FAILED', { reason: '示例' }, undefined, { 'if-match': `"${rev + 5}"` }),
      409,
      'REVISION_CONFLICT',
    );
    expect(e.details.rev).toBe(rev);
  });

  it('a payload or start data that fails its schema → 422 INVALID_PAYLOAD with paths', async () => {
    const e = await refused(
      () => api.event(caseId, 'AGREEMENT_SIGNED', { effectiveOn: 'yesterday', form: 'sung' }),
      422,
      'INVALID_PAYLOAD',
    );
    expect(e.details.map((p: { path: string }) => p.path)).toEqual(
      expect.arrayContaining(['/payload/effectiveOn', '/payload/form']),
    );
    const s = await refused(
      () =>
        api.post('/api/instances', {
          pack: 'national',
          procedure: 'dispute-mediation',
          data: { ...mediationData, parties: [] },
        }),
      422,
      'INVALID_PAYLOAD',
    );
    expect(s.details.map((p: { path: string }) => p.path)).toContain('/data/parties');
  });

  it('a broken procedure draft is kept with its problems listed; publishing it → 422 INVALID_DEFINITION with every problem', async () => {
    const doc = (await api.get('/api/packs/national/procedures/dispute-mediation')).body;
    delete doc.version;
    doc.machine.states.mediation.on.AGREEMENT_SIGNED.target = 'nowhere';
    doc.machine.states.orphan = { meta: { title: { 'zh-CN': '孤立', en: 'Orphan' } }, on: { PERFORMED: 'closed' } };
    const saved = await api.put('/api/packs/national/procedures/dispute-mediation/draft', doc);
    expect(saved.status).toBe(200);
    expect(saved.body.problems.map((p: { code: string }) => p.code)).toEqual(
      expect.arrayContaining(['UNKNOWN_TARGET', 'UNREACHABLE_STATE']),
    );
    expect(
      (await api.get('/api/packs/national/procedures/dispute-mediation/draft')).body.machine.states.orphan.meta.title[
        'zh-CN'
      ],
    ).toBe('孤立');
    const versions = (await api.get('/api/packs/national/procedures/dispute-mediation/versions')).body.length;
    const e = await refused(
      () => api.post('/api/packs/national/procedures/dispute-mediation/publish', {}),
      422,
      'INVALID_DEFINITION',
    );
    expect(e.details.map((p: { code: string }) => p.code)).toEqual(
      expect.arrayContaining(['UNKNOWN_TARGET', 'UNREACHABLE_STATE']),
    );
    expect((await api.get('/api/packs/national/procedures/dispute-mediation/versions')).body.length).toBe(versions);
    // `?ifExists=1` answers "no draft" as 204 instead of an error
    expect((await api.get('/api/packs/national/procedures/grid-event/draft?ifExists=1')).status).toBe(204);
  });

  it('a bad pack bundle → 422 INVALID_DEFINITION', async () => {
    await refused(
      () =>
        api.post('/api/packs', {
          format: 'gongzhi-pack/1',
          manifest: { id: 'x-county', title: { 'zh-CN': '某县', en: 'X' }, extends: 'nowhere' },
        }),
      422,
      'INVALID_DEFINITION',
    );
  });

  it('moving the controlled clock backwards → 409 CLOCK_BACKWARDS', async () => {
    await refused(() => api.clock('2020-01-01T00:00:00+08:00'), 409, 'CLOCK_BACKWARDS');
  });

  it('a wrong method on a known path → 405', async () => {
    await refused(() => api.del('/api/instances'), 405, 'METHOD_NOT_ALLOWED');
  });

  it('bad query parameters → 400 naming the parameter', async () => {
    const e = await refused(() => api.get('/api/instances?limit=0'), 400, 'BAD_REQUEST');
    expect(e.details[0].path).toBe('/query/limit');
    await refused(() => api.get('/api/instances?cursor=%%%'), 400, 'BAD_REQUEST');
    await refused(() => api.get('/api/stats?from=yesterday'), 400, 'BAD_REQUEST');
  });

  it('covered every error code of API.md', () => {
    for (const code of [
      'BAD_REQUEST',
      'UNAUTHORIZED',
      'FORBIDDEN',
      'NOT_FOUND',
      'EVENT_NOT_ALLOWED',
      'GUARD_REJECTED',
      'REVISION_CONFLICT',
      'INVALID_PAYLOAD',
      'INVALID_DEFINITION',
      'PAYLOAD_TOO_LARGE',
    ]) {
      expect(seen, code).toContain(code);
    }
  });

  it('and the case is still where it was, at the same revision', async () => {
    const c = (await api.get(`/api/instances/${caseId}`)).body;
    expect([c.state, c.rev]).toEqual(['mediation', rev]);
  });
});
