/**
 * What a 12345 hotline or a court system integrating with Gongzhi needs (issue 12): lookup by business key and its
 * conflicts, strict query parameters, cancelling a case, tokens with ids, expiry, listing and revocation, idempotent
 * starts, statistics scoped like the lists, times in +08:00.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getAt } from '../../engine';
import { server, client, gridData, mediationData } from './helpers';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});
async function fresh(opts: Parameters<typeof server>[0] = {}) {
  const srv = await server(opts);
  open.push(srv);
  return srv;
}
const dispatcher = { roles: ['dispatcher'] };

describe('business keys', () => {
  it('GET /api/instances?businessKey= finds the one case with that key', async () => {
    const { api } = await fresh();
    const a = await api.start('national', 'grid-event', gridData, { businessKey: '12345-2025-0001' });
    await api.start('national', 'grid-event', gridData, { businessKey: '12345-2025-0002' });
    await api.start('national', 'grid-event', gridData);
    const found = await api.get('/api/instances?businessKey=12345-2025-0001');
    expect(found.status).toBe(200);
    expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
    expect((await api.get('/api/instances?businessKey=12345-2025-0001&pack=nanchang-county')).body.items).toEqual([]);
    expect((await api.get('/api/instances?businessKey=none')).body).toEqual({ items: [], next: null });
  });

  it('a key used by another procedure, or with other start data, is 409 BUSINESS_KEY_CONFLICT; the same start answers the case (200)', async () => {
    const { api } = await fresh();
    const g = await api.start('national', 'grid-event', gridData, { businessKey: 'NCX-7' });
    const other = await api.post('/api/instances', {
      pack: 'national',
      procedure: 'dispute-mediation',
      data: mediationData,
      businessKey: 'NCX-7',
    });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({
      code: 'BUSINESS_KEY_CONFLICT',
      details: { instance: g.id, procedure: 'grid-event' },
    });
    const changed = await api.post('/api/instances', {
      pack: 'national',
      procedure: 'grid-event',
      data: { ...gridData, category: '噪声扰民' },
      businessKey: 'NCX-7',
    });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('BUSINESS_KEY_CONFLICT');
    const same = await api.post('/api/instances', {
      pack: 'national',
      procedure: 'grid-event',
      data: gridData,
      businessKey: 'NCX-7',
    });
    expect(same.status).toBe(200);
    expect(same.body.id).toBe(g.id);
    expect((await api.get('/api/instances?businessKey=NCX-7')).body.items).toHaveLength(1);
  });
});

describe('query parameters', () => {
  it('an unknown or misspelled one is 400 naming it, on every endpoint', async () => {
    const { api } = await fresh();
    for (const q of ['q=x', 'sortBy=createdAt', 'createdAfter=2025-01-01', 'procedur=grid-event', 'sort=newest']) {
      const r = await api.get(`/api/instances?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.details[0].path).toBe(`/query/${q.split('=')[0]}`);
    }
    // the desk's orders and window are declared (issue 18)
    expect((await api.get('/api/instances?sort=-createdAt&from=2025-01-01&to=2025-12-31')).status).toBe(200);
    expect((await api.get('/api/stats?window=7d')).status).toBe(400);
    expect((await api.get('/api/packs?verbose=1')).status).toBe(400);
    expect((await api.get('/api/instances?limit=0')).status).toBe(400);
    expect((await api.get('/api/instances?status=cancelled&overdue=false&limit=5')).status).toBe(200);
  });
});

describe('history', () => {
  it('names the transitions each step took as pointers into the procedure document (the designer highlights the path with them)', async () => {
    const { api } = await fresh();
    const g = await api.start('national', 'grid-event', gridData);
    expect((await api.event(g.id, 'ASSIGN', { unit: '示例单位' }, dispatcher)).status).toBe(200);
    const history = (await api.get(`/api/instances/${g.id}/history`)).body as {
      type: string;
      transitions?: string[];
    }[];
    const assign = history.find((h) => h.type === 'ASSIGN');
    expect(assign?.transitions?.length).toBeGreaterThan(0);
    const doc = (await api.get(`/api/packs/national/procedures/grid-event?version=${g.version}`)).body;
    for (const p of assign!.transitions!) {
      expect(p, p).toMatch(/^\/machine\/states\//);
      expect(getAt(doc, p), p).toBeDefined();
    }
    expect(assign!.transitions![0]).toMatch(/\/on\/ASSIGN(\/|$)/);
  });
});

describe('cancelling a case', () => {
  it('a role in cancelRoles withdraws it: status cancelled, no events, no deadlines, history records who and why', async () => {
    const srv = await fresh();
    const { api } = srv;
    const g = await api.start('national', 'grid-event', gridData);
    await api.event(g.id, 'ASSIGN', { unit: '示例单位' }, dispatcher);
    expect((await api.get(`/api/instances/${g.id}`)).body.deadlines.length).toBeGreaterThan(0);
    const t = (
      await api.post('/api/admin/tokens', { subject: '12345 热线(示例)', roles: ['dispatcher'], packs: ['national'] })
    ).body.token;
    const hotline = api.as(t);
    const c = await hotline.post(`/api/instances/${g.id}/cancel`, {
      reason: '重复工单(示例)',
      actor: { subject: '话务员 王五(示例)' },
    });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({
      status: 'cancelled',
      events: [],
      deadlines: [],
      state: 'handling',
      cancelled: { by: '12345 热线(示例)', reason: '重复工单(示例)' },
    });
    const last = (await api.get(`/api/instances/${g.id}/history`)).body.at(-1);
    expect(last).toMatchObject({
      type: 'CANCEL',
      payload: { reason: '重复工单(示例)' },
      actor: { subject: '12345 热线(示例)', onBehalfOf: '话务员 王五(示例)' },
    });
    // closed for good: no second cancel, no events, no deadline firing
    expect((await hotline.post(`/api/instances/${g.id}/cancel`, { reason: 'again' })).body.error.code).toBe(
      'CASE_CLOSED',
    );
    expect((await api.event(g.id, 'REPLY', { result: 'x' }, { roles: ['unit'] })).body.error.code).toBe(
      'EVENT_NOT_ALLOWED',
    );
    expect((await api.clock('2025-12-31T09:00:00+08:00')).body.fired).toBe(0);
    expect((await api.get(`/api/instances?status=cancelled`)).body.items.map((i: { id: string }) => i.id)).toEqual([
      g.id,
    ]);
  });

  it('others may not (403), admins may; a procedure without cancelRoles is admin-only', async () => {
    const { api } = await fresh();
    const m = await api.start('national', 'dispute-mediation', mediationData);
    const t = (
      await api.post('/api/admin/tokens', { subject: '调解员(示例)', roles: ['mediator'], packs: ['national'] })
    ).body.token;
    const r = await api.as(t).post(`/api/instances/${m.id}/cancel`, { reason: '误立案(示例)' });
    expect(r.status).toBe(403);
    expect((await api.get(`/api/instances/${m.id}`)).body.status).toBe('active');
    expect((await api.post(`/api/instances/${m.id}/cancel`, { reason: '误立案(示例)' })).body.status).toBe('cancelled');
    expect((await api.post(`/api/instances/${m.id}/cancel`, {})).status).toBe(400);
  });

  it('cancelled cases leave the open counts of /api/stats', async () => {
    const { api } = await fresh();
    const a = await api.start('national', 'grid-event', gridData);
    await api.start('national', 'grid-event', gridData);
    const before = (await api.get('/api/stats?pack=national&procedure=grid-event')).body;
    expect(before).toMatchObject({ opened: 2, active: 2, cancelled: 0, byState: { 'grid-event': { dispatch: 2 } } });
    await api.post(`/api/instances/${a.id}/cancel`, { reason: '重复(示例)' });
    const after = (await api.get('/api/stats?pack=national&procedure=grid-event')).body;
    expect(after).toMatchObject({
      opened: 2,
      active: 1,
      cancelled: 1,
      closed: 0,
      byState: { 'grid-event': { dispatch: 1 } },
    });
  });
});

describe('tokens', () => {
  it('have ids, are listed without their secret, and a revoked one stops working at once', async () => {
    const { api } = await fresh();
    const made = await api.post('/api/admin/tokens', {
      subject: '法院系统(示例)',
      roles: ['court'],
      packs: ['nanchang-county'],
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      id: expect.stringMatching(/^tk/),
      token: expect.any(String),
      expiresAt: null,
      createdAt: expect.stringMatching(/\+08:00$/),
    });
    const court = api.as(made.body.token);
    expect((await court.get('/api/me')).status).toBe(200);
    const listed = (await api.get('/api/admin/tokens')).body.find((t: { id: string }) => t.id === made.body.id);
    expect(listed).toMatchObject({
      subject: '法院系统(示例)',
      roles: ['court'],
      packs: ['nanchang-county'],
      expiresAt: null,
      lastUsedAt: expect.stringMatching(/\+08:00$/),
    });
    expect(JSON.stringify((await api.get('/api/admin/tokens')).body)).not.toContain(made.body.token);
    expect((await court.get('/api/admin/tokens')).status).toBe(403);
    expect((await api.del(`/api/admin/tokens/${made.body.id}`)).status).toBe(204);
    expect((await court.get('/api/me')).status).toBe(401);
    expect((await api.del(`/api/admin/tokens/${made.body.id}`)).status).toBe(404);
    expect((await api.get('/api/admin/tokens')).body.some((t: { id: string }) => t.id === made.body.id)).toBe(false);
  });

  it('expire at expiresAt (by the server clock); a past expiresAt is refused', async () => {
    const { api } = await fresh({ now: '2025-09-26T09:00:00+08:00' });
    expect(
      (
        await api.post('/api/admin/tokens', {
          subject: 'x',
          roles: ['court'],
          packs: '*',
          expiresAt: '2025-09-01T00:00:00+08:00',
        })
      ).status,
    ).toBe(400);
    const t = (
      await api.post('/api/admin/tokens', {
        subject: '临时对接(示例)',
        roles: ['court'],
        packs: '*',
        expiresAt: '2025-09-30T00:00:00+08:00',
      })
    ).body;
    expect(t.expiresAt).toBe('2025-09-30T00:00:00+08:00');
    expect((await api.as(t.token).get('/api/me')).status).toBe(200);
    await api.clock('2025-09-30T00:00:01+08:00');
    const r = await api.as(t.token).get('/api/me');
    expect(r.status).toBe(401);
    expect(r.body.error.message['zh-CN']).toContain('过期');
  });
});

describe('Idempotency-Key on POST /api/instances', () => {
  it('replays the first answer and creates one case; the same key with another body is 400', async () => {
    const srv = await fresh();
    const { api } = srv;
    const h = { 'idempotency-key': 'hotline-req-0001' };
    const first = await api.post('/api/instances', { pack: 'national', procedure: 'grid-event', data: gridData }, h);
    expect(first.status).toBe(201);
    const again = await api.post('/api/instances', { pack: 'national', procedure: 'grid-event', data: gridData }, h);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await srv.deps.store.cases.count()).toBe(1);
    const other = await api.post(
      '/api/instances',
      { pack: 'national', procedure: 'grid-event', data: { ...gridData, category: '噪声' } },
      h,
    );
    expect(other.status).toBe(400);
    expect(await srv.deps.store.cases.count()).toBe(1);
    // per token subject: another caller's key of the same text is its own
    const t = (await api.post('/api/admin/tokens', { subject: '另一系统(示例)', roles: ['dispatcher'], packs: '*' }))
      .body.token;
    expect(
      (await api.as(t).post('/api/instances', { pack: 'national', procedure: 'grid-event', data: gridData }, h)).status,
    ).toBe(201);
    expect(await srv.deps.store.cases.count()).toBe(2);
  });

  it('holds across a restart', async () => {
    const { tempDir } = await import('./helpers');
    const dataDir = tempDir();
    const a = await server({ dataDir });
    const h = { 'idempotency-key': 'court-7' };
    const first = await a.api.post('/api/instances', { pack: 'national', procedure: 'grid-event', data: gridData }, h);
    await a.close();
    const b = await fresh({ dataDir });
    const again = await b.api.post('/api/instances', { pack: 'national', procedure: 'grid-event', data: gridData }, h);
    expect(again.body.id).toBe(first.body.id);
    expect(await b.deps.store.cases.count()).toBe(1);
  });
});

describe('scope', () => {
  it('a pack outside the token’s packs is 404 on /api/instances and on /api/stats alike', async () => {
    const { api } = await fresh();
    const t = (
      await api.post('/api/admin/tokens', {
        subject: '南昌县(示例)',
        roles: ['dispatcher'],
        packs: ['nanchang-county'],
      })
    ).body.token;
    const county = api.as(t);
    expect((await county.get('/api/instances?pack=national')).status).toBe(404);
    expect((await county.get('/api/stats?pack=national')).status).toBe(404);
    expect((await county.get('/api/instances?pack=no-such-pack')).status).toBe(404);
    expect((await county.get('/api/instances?pack=nanchang-county')).status).toBe(200);
    expect((await county.get('/api/stats?pack=nanchang-county')).status).toBe(200);
  });
});

describe('request ids', () => {
  it('are taken from X-Request-Id or made, and answered', async () => {
    const { url } = await fresh();
    const api = client(url);
    expect((await api.get('/api/health', { 'x-request-id': 'hotline-abc-123' })).headers.get('x-request-id')).toBe(
      'hotline-abc-123',
    );
    const made = (await api.get('/api/health')).headers.get('x-request-id');
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      (await api.get('/api/health', { 'x-request-id': 'bad id with spaces' })).headers.get('x-request-id'),
    ).not.toBe('bad id with spaces');
    expect((await api.get('/api/nope', { 'x-request-id': 'r-404' })).headers.get('x-request-id')).toBe('r-404');
  });
});
