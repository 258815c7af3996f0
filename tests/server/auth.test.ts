/**
 * Auth: bearer tokens with subject, roles and pack scope. Tokens are stored hashed; a token scoped to one pack gets
 * 404 for another pack's packs and cases; an event's allowed roles are enforced; admin-only calls are 403 otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { server, storedTokensText, tempDir, mediationData } from './helpers';

let srv: Awaited<ReturnType<typeof server>>;
let dataDir: string;
beforeAll(async () => {
  dataDir = tempDir();
  srv = await server({ dataDir });
});
afterAll(() => srv.close());

const token = async (subject: string, roles: string[], packs: string[] | '*') => {
  const r = await srv.api.post('/api/admin/tokens', { subject, roles, packs });
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ subject, roles, packs });
  return r.body.token as string;
};

describe('tokens', () => {
  it('are stored as SHA-256 hashes only', async () => {
    const t = await token('调解员甲(示例)', ['mediator'], ['nanchang-county']);
    const registry = await storedTokensText(dataDir);
    expect(registry).not.toContain(t);
    expect(registry).toContain('调解员甲(示例)');
    expect((await srv.api.as(t).get('/api/me')).body).toEqual({
      subject: '调解员甲(示例)',
      roles: ['mediator'],
      packs: ['nanchang-county'],
      tokenId: expect.stringMatching(/^tk/),
      now: '2025-09-26T09:00:00+08:00',
    });
  });

  it('scoped to one pack: other packs and their cases are 404, as if they did not exist', async () => {
    const t = await token('南昌县调解中心(示例)', ['mediator', 'intake-clerk'], ['nanchang-county']);
    const county = srv.api.as(t);
    const nationalCase = await srv.api.start('national', 'dispute-mediation', mediationData);
    expect((await county.get('/api/packs')).body.map((p: { id: string }) => p.id)).toEqual(['nanchang-county']);
    // the base the county's pack extends may be read (its staff see what their changes are laid over), not changed
    expect((await county.get('/api/packs/national')).status).toBe(200);
    expect((await county.get('/api/packs/national/procedures/dispute-mediation')).status).toBe(200);
    const countyDesigner = srv.api.as(await token('南昌县司法局(示例)', ['designer'], ['nanchang-county']));
    const base = (await countyDesigner.get('/api/packs/national/procedures/dispute-mediation')).body;
    expect((await countyDesigner.put('/api/packs/national/procedures/dispute-mediation/draft', base)).status).toBe(404);
    expect((await countyDesigner.post('/api/packs/national/procedures/dispute-mediation/publish', {})).status).toBe(
      404,
    );
    expect((await county.get('/api/packs/baoan-district')).status).toBe(404);
    expect((await county.get(`/api/instances/${nationalCase.id}`)).status).toBe(404);
    expect((await county.get(`/api/instances/${nationalCase.id}/history`)).status).toBe(404);
    expect((await county.event(nationalCase.id, 'MEDIATION_FAILED', { reason: '示例' })).status).toBe(404);
    expect(
      (await county.post('/api/instances', { pack: 'national', procedure: 'dispute-mediation', data: mediationData }))
        .status,
    ).toBe(404);
    const own = await county.post('/api/instances', {
      pack: 'nanchang-county',
      procedure: 'dispute-mediation',
      data: mediationData,
    });
    expect(own.status).toBe(201);
    const list = (await county.get('/api/instances')).body.items.map((i: { pack: string }) => i.pack);
    expect(new Set(list)).toEqual(new Set(['nanchang-county']));
    expect((await county.get('/api/stats?pack=national')).status).toBe(404);
  });

  it('enforce each event’s roles: a court token cannot sign an agreement, a mediator can', async () => {
    const court = srv.api.as(await token('速裁法庭(示例)', ['court'], '*'));
    const mediator = srv.api.as(await token('调解员乙(示例)', ['mediator'], '*'));
    const c = await mediator.start('national', 'dispute-mediation', mediationData);
    const payload = { effectiveOn: '2025-09-26', form: 'written' };
    const refused = await court.event(c.id, 'AGREEMENT_SIGNED', payload);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    const ok = await mediator.event(c.id, 'AGREEMENT_SIGNED', payload);
    expect(ok.status).toBe(200);
    const h = (await mediator.get(`/api/instances/${c.id}/history`)).body;
    expect(h.at(-1).actor).toEqual({ subject: '调解员乙(示例)', roles: ['mediator'] });
  });

  it('let a calling system name the person it acts for, but not claim a role the token lacks', async () => {
    const hotline = srv.api.as(await token('12345热线平台(示例)', ['mediator'], '*'));
    const c = await hotline.start('national', 'dispute-mediation', mediationData);
    const claimed = await hotline.event(
      c.id,
      'MEDIATION_FAILED',
      { reason: '示例' },
      { subject: '王芳', roles: ['court'] },
    );
    expect(claimed.status).toBe(403);
    const ok = await hotline.event(c.id, 'MEDIATION_FAILED', { reason: '示例' }, { subject: '王芳' });
    expect(ok.status).toBe(200);
    const h = (await hotline.get(`/api/instances/${c.id}/history`)).body;
    expect(h.at(-1).actor).toEqual({ subject: '12345热线平台(示例)', roles: ['mediator'], onBehalfOf: '王芳' });
  });

  it('a token without any role of the procedure cannot start a case in it (403)', async () => {
    const unit = srv.api.as(await token('某单位(示例)', ['unit'], '*'));
    expect(
      (await unit.post('/api/instances', { pack: 'national', procedure: 'dispute-mediation', data: mediationData }))
        .status,
    ).toBe(403);
  });

  it('admin-only calls (tokens, webhooks, clock) are 403 for other tokens; pack changes need designer', async () => {
    const m = srv.api.as(await token('m', ['mediator'], '*'));
    expect((await m.post('/api/admin/tokens', { subject: 'x', roles: ['admin'], packs: '*' })).status).toBe(403);
    expect((await m.get('/api/webhooks')).status).toBe(403);
    expect((await m.clock('2030-01-01T00:00:00Z')).status).toBe(403);
    const doc = (await m.get('/api/packs/national/procedures/dispute-mediation')).body;
    expect((await m.put('/api/packs/national/procedures/dispute-mediation/draft', doc)).status).toBe(403);
    const designer = srv.api.as(await token('政策科(示例)', ['designer'], ['national']));
    expect((await designer.put('/api/packs/national/procedures/dispute-mediation/draft', doc)).status).toBe(200);
  });

  it('the public endpoints need no token; everything else does', async () => {
    const anon = srv.api.as('');
    expect((await anon.get('/api/health')).status).toBe(200);
    expect((await anon.get('/api/schemas/procedure.json')).status).toBe(200);
    for (const p of ['/api/packs', '/api/instances', '/api/stats', '/api/me', '/api/webhooks'])
      expect((await anon.get(p)).status, p).toBe(401);
  });
});
