/**
 * Issue 10, minor items: security headers; impossible instants and dates (`…T23:59:60Z`, `2025-02-30`) and numbers
 * (`1e309`) refused, not misread; definitions that would fail at run time (`$ref: '#'`, `allOf` cycles,
 * `$dynamicRef`) refused at validation; an import may only extend a pack the token may read. Each refusal writes
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateProcedure } from '../../engine';
import { loadPackDir } from '../../server/packs';
import { bundleOf } from '../../server/packs/bundle';
import { server, snapshot, tempDir } from '../server/helpers';

let srv: Awaited<ReturnType<typeof server>>;
let dataDir: string;
beforeAll(async () => {
  dataDir = tempDir();
  srv = await server({ dataDir });
});
afterAll(() => srv.close());

describe('security headers', () => {
  it('every answer carries them: CSP, no referrer, nosniff, no framing', async () => {
    for (const path of ['/api/health', '/api/packs', '/', '/no/such/page', '/api/nothing']) {
      const r = await srv.api.get(path);
      const h = r.headers;
      expect(h.get('referrer-policy'), path).toBe('no-referrer');
      expect(h.get('x-content-type-options'), path).toBe('nosniff');
      expect(h.get('x-frame-options'), path).toBe('SAMEORIGIN');
      const csp = h.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("object-src 'none'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('upgrade-insecure-requests');
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    }
  });
});

describe('instants, dates and numbers that cannot be represented', () => {
  it('are refused with 400 and change nothing', async () => {
    const before = snapshot(dataDir);
    const leap = await srv.api.put('/api/admin/clock', { now: '2025-12-31T23:59:60Z' });
    expect(leap.status, JSON.stringify(leap.body)).toBe(400);
    const sim = await srv.api.post('/api/packs/national/procedures/grid-event/simulate', {
      data: {},
      at: '2025-12-31T23:59:60Z',
    });
    expect(sim.status).toBe(400);
    const simEv = await srv.api.post('/api/packs/national/procedures/grid-event/simulate', {
      data: {},
      events: [{ type: 'ASSIGN', at: '2025-06-30T23:59:60+08:00' }],
    });
    expect(simEv.status).toBe(400);
    for (const q of ['from=2025-02-30', 'to=2025-13-01', 'from=2025-02-29', 'to=2024-02-30']) {
      const r = await srv.api.get(`/api/stats?${q}`);
      expect(r.status, q).toBe(400);
    }
    expect((await srv.api.get('/api/stats?from=2024-02-29')).status).toBe(200);
    for (const n of ['1e309', '-1e309', '1' + '0'.repeat(400)]) {
      const r = await srv.api.call(
        'POST',
        '/api/instances',
        `{"pack":"national","procedure":"grid-event","data":{"x":${n}}}`,
        { 'content-type': 'application/json' },
      );
      expect(r.status, n).toBe(400);
      expect(r.body.error.details[0].path).toBe('/data/x');
    }
    expect(snapshot(dataDir)).toEqual(before);
  });

  it('a __proto__ key anywhere in a body (plain or escaped) is refused with its path, not dropped', async () => {
    const before = snapshot(dataDir);
    for (const [key, path] of [
      ['"__proto__"', '/data/__proto__'],
      ['"\\u005f_proto__"', '/data/__proto__'],
    ] as const) {
      const r = await srv.api.call(
        'POST',
        '/api/instances',
        `{"pack":"national","procedure":"grid-event","data":{"n":1,${key}:{"polluted":true}}}`,
        { 'content-type': 'application/json' },
      );
      expect(r.status, key).toBe(400);
      expect(r.body.error.code).toBe('BAD_REQUEST');
      expect(r.body.error.details[0].path).toBe(path);
      expect(r.body.error.message['zh-CN']).toContain('__proto__');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(snapshot(dataDir)).toEqual(before);
  });
});

describe('schemas that would fail at run time', () => {
  const T = { 'zh-CN': '示例', en: 'sample' };
  const withData = (data: unknown) => ({
    id: 'x',
    title: T,
    data,
    roles: { clerk: { title: T } },
    events: { GO: { title: T, roles: ['clerk'] } },
    rules: {},
    deadlines: {},
    machine: { initial: 'a', states: { a: { on: { GO: 'done' } }, done: { type: 'final' } } },
  });
  const cases: Record<string, unknown> = {
    "$ref: '#'": { type: 'object', properties: { child: { $ref: '#' } } },
    'allOf cycle': {
      $defs: { a: { allOf: [{ $ref: '#/$defs/b' }] }, b: { allOf: [{ $ref: '#/$defs/a' }] } },
      $ref: '#/$defs/a',
    },
    'self-referencing definition': {
      $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } } } },
      $ref: '#/$defs/node',
    },
    $dynamicRef: { $dynamicAnchor: 'n', type: 'object', properties: { next: { $dynamicRef: '#n' } } },
    'external $ref': { $ref: 'https://example.org/schema.json' },
  };
  for (const [name, schema] of Object.entries(cases)) {
    it(`${name} is refused at validation`, () => {
      const problems = validateProcedure(withData(schema));
      expect(problems.length, name).toBeGreaterThan(0);
      expect(
        problems.every((p) => p.path.startsWith('/data')),
        JSON.stringify(problems),
      ).toBe(true);
    });
  }

  it('a local, non-recursive $ref is still accepted', () => {
    expect(
      validateProcedure(
        withData({
          $defs: { party: { type: 'object', properties: { name: { type: 'string' } } } },
          type: 'object',
          properties: { a: { $ref: '#/$defs/party' }, b: { $ref: '#/$defs/party' } },
        }),
      ),
    ).toEqual([]);
  });
});

describe('an import may only extend a pack the token may read', () => {
  it('a designer scoped to its own pack cannot build it on one it may not read (422, nothing written)', async () => {
    const t = await srv.api.post('/api/admin/tokens', {
      subject: '示例县设计员',
      roles: ['designer'],
      packs: ['own-county'],
    });
    const designer = srv.api.as(t.body.token);
    const b = structuredClone(bundleOf(loadPackDir('configs/packs/nanchang-county')));
    b.manifest = { ...b.manifest, id: 'own-county', extends: 'national' };
    b.scenarios = {};
    // a token's first use is recorded (lastUsedAt, written at most once a minute): done before the snapshot, so the
    // refused import alone is judged
    expect((await designer.get('/api/me')).status).toBe(200);
    await srv.deps.tokens.idle();
    const before = snapshot(dataDir);
    const r = await designer.post('/api/packs', b);
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(422);
    expect(r.body.error.details[0]).toMatchObject({ path: '/manifest/extends', code: 'UNKNOWN_BASE_PACK' });
    expect(snapshot(dataDir)).toEqual(before);
    // the same bundle by a token that may read national is accepted
    const t2 = await srv.api.post('/api/admin/tokens', {
      subject: '示例设计员',
      roles: ['designer'],
      packs: ['own-county', 'national'],
    });
    expect((await srv.api.as(t2.body.token).post('/api/packs', b)).status).toBe(201);
  });
});
