/**
 * Issue 10, faults 7, 8 and 9: concurrent publishes and imports get distinct version numbers and never overwrite a
 * version; a change re-resolves only the packs it touches; an Idempotency-Key is honoured for its stated retention
 * (24 h by default, configurable), however many other keys the case saw meanwhile.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPackDir } from '../../server/packs';
import { bundleOf } from '../../server/packs/bundle';
import { server, tempDir, gridData } from '../server/helpers';
import { report } from './figures';

let srv: Awaited<ReturnType<typeof server>>;
let dataDir: string;
beforeAll(async () => {
  dataDir = tempDir();
  srv = await server({ dataDir });
});
afterAll(() => srv.close());

const figures = { publishes: 0, imports: 0, versionsWritten: 0, overwritten: 0, appliedTwice: 0 };
afterAll(() =>
  report('concurrency', {
    'concurrent publishes': figures.publishes,
    'concurrent imports': figures.imports,
    'versions written': figures.versionsWritten,
    'versions overwritten': figures.overwritten,
    'keyed events applied twice': figures.appliedTwice,
  }),
);

function countyBundle(days: number) {
  const b = structuredClone(bundleOf(loadPackDir('configs/packs/nanchang-county')));
  b.manifest = { ...b.manifest, id: 'race-county', title: { 'zh-CN': '示例县', en: 'Sample county' } };
  b.manifest.parameters = {
    ...b.manifest.parameters,
    mediationDays: {
      value: days,
      title: { 'zh-CN': '委派调解期限(示例)', en: 'Mediation period (sample)' },
      unit: 'days',
      basis: {
        'zh-CN': '《最高人民法院关于人民法院特邀调解的规定》第27条',
        en: 'SPC Provisions on Specially Invited Mediation, Art. 27',
      },
      sample: true,
    },
  };
  b.scenarios = {};
  return b;
}

const versionFiles = (pack: string, proc: string) =>
  readdirSync(join(dataDir, 'versions', pack, proc))
    .filter((f) => f.endsWith('.json'))
    .sort();

describe('versions are immutable under concurrency (fault 9)', () => {
  it('10 concurrent publishes of one draft: one new version, the others find no draft', async () => {
    const doc = (await srv.api.get('/api/packs/national/procedures/grid-event')).body;
    const before = (await srv.api.get('/api/packs/national/procedures/grid-event/versions')).body.length;
    expect(
      (await srv.api.put('/api/packs/national/procedures/grid-event/draft', { ...doc, version: undefined })).status,
    ).toBe(200);
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => srv.api.post('/api/packs/national/procedures/grid-event/publish')),
    );
    figures.publishes += replies.length;
    const ok = replies.filter((r) => r.status === 201);
    expect(ok).toHaveLength(1);
    expect(replies.filter((r) => r.status !== 201).every((r) => r.status === 404)).toBe(true);
    const versions = (await srv.api.get('/api/packs/national/procedures/grid-event/versions')).body;
    expect(versions).toHaveLength(before + 1);
    expect(ok[0].body.version).toBe(before + 1);
  });

  it('6 concurrent imports of different bundles: distinct versions, each file written once and matching its bundle', async () => {
    const first = await srv.api.post('/api/packs', countyBundle(20));
    expect(first.status, JSON.stringify(first.body).slice(0, 600)).toBe(201);
    const days = [21, 22, 23, 24, 25, 26];
    const written = new Map<string, string>();
    const replies = await Promise.all(days.map((d) => srv.api.post('/api/packs', countyBundle(d))));
    figures.imports += replies.length;
    expect(replies.map((r) => r.status)).toEqual(Array(6).fill(201));
    const numbers = replies.map(
      (r) => r.body.published.find((p: { procedure: string }) => p.procedure === 'dispute-mediation').version,
    );
    expect(new Set(numbers).size).toBe(6);
    expect([...numbers].sort()).toEqual([2, 3, 4, 5, 6, 7]);
    // each version file holds the parameters of the import that got that number
    for (const [i, n] of numbers.entries()) {
      const file = join(dataDir, 'versions', 'race-county', 'dispute-mediation', `${n}.json`);
      const rec = JSON.parse(readFileSync(file, 'utf8'));
      expect(rec.context.parameters.mediationDays.value, `version ${n}`).toBe(days[i]);
      written.set(file, readFileSync(file, 'utf8'));
    }
    figures.versionsWritten += numbers.length;
    expect(versionFiles('race-county', 'dispute-mediation')).toEqual([
      '1.json',
      '2.json',
      '3.json',
      '4.json',
      '5.json',
      '6.json',
      '7.json',
    ]);
    const listed = (await srv.api.get('/api/packs/race-county/procedures/dispute-mediation/versions')).body.map(
      (v: { version: number }) => v.version,
    );
    expect(listed).toEqual([1, 2, 3, 4, 5, 6, 7]);
    figures.overwritten += [...written].filter(([f, t]) => readFileSync(f, 'utf8') !== t).length;
  });
});

describe('a change re-resolves only the packs it touches (fault 7)', () => {
  it('an import of one county leaves the resolution of national and of the other counties as it was', async () => {
    const national = srv.deps.catalog.resolved('national');
    const baoan = srv.deps.catalog.resolved('baoan-district');
    expect(national && baoan).toBeTruthy();
    expect((await srv.api.post('/api/packs', countyBundle(30))).status).toBe(201);
    expect(srv.deps.catalog.resolved('national')).toBe(national);
    expect(srv.deps.catalog.resolved('baoan-district')).toBe(baoan);
    expect(srv.deps.catalog.resolved('race-county')!.parameters.mediationDays.value).toBe(30);
  });
});

describe('idempotency keys are kept for their retention, whatever their number (fault 8)', () => {
  const dispatcher = { roles: ['dispatcher'] };
  const unit = { roles: ['unit'] };

  it('a key replayed after 25 other keyed events answers the first reply and applies nothing', async () => {
    const c = await srv.api.start('national', 'grid-event', gridData);
    const first = await srv.api.event(c.id, 'ASSIGN', { unit: '示例单位', designated: false }, dispatcher, {
      'idempotency-key': 'first-key',
    });
    expect(first.status).toBe(200);
    for (let i = 0; i < 25; i++) {
      const assign = i % 2 === 1;
      const r = await srv.api.event(
        c.id,
        assign ? 'ASSIGN' : 'RETURN',
        assign ? { unit: `示例单位${i}`, designated: false } : { reason: `示例原因${i}` },
        assign ? dispatcher : unit,
        { 'idempotency-key': `other-${i}` },
      );
      expect(r.status).toBe(200);
    }
    // the case is in dispatch again: a forgotten key would apply ASSIGN a second time
    expect((await srv.api.get(`/api/instances/${c.id}`)).body.state).toBe('dispatch');
    const historyBefore = (await srv.api.get(`/api/instances/${c.id}/history`)).body.length;
    const again = await srv.api.event(c.id, 'ASSIGN', { unit: '示例单位', designated: false }, dispatcher, {
      'idempotency-key': 'first-key',
    });
    const historyAfter = (await srv.api.get(`/api/instances/${c.id}/history`)).body.length;
    if (historyAfter !== historyBefore) figures.appliedTwice++;
    expect(historyAfter).toBe(historyBefore);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('past the retention (24 h by default) a key is forgotten; within it, it survives a restart', async () => {
    const dir = tempDir();
    let s = await server({ dataDir: dir, now: '2025-09-26T09:00:00+08:00' });
    const c = await s.api.start('national', 'grid-event', gridData);
    const first = await s.api.event(c.id, 'ASSIGN', { unit: '示例单位', designated: false }, dispatcher, {
      'idempotency-key': 'k',
    });
    expect((await s.api.event(c.id, 'RETURN', { reason: '示例' }, unit, { 'idempotency-key': 'r1' })).status).toBe(200);
    await s.close();
    s = await server({ dataDir: dir });
    // 23 h later, after a restart: still the first answer
    expect((await s.api.clock('2025-09-27T08:00:00+08:00')).status).toBe(200);
    const replay = await s.api.event(c.id, 'ASSIGN', { unit: '示例单位', designated: false }, dispatcher, {
      'idempotency-key': 'k',
    });
    expect(replay.body).toEqual(first.body);
    // 25 h after it was used (and after the case was written again), the key is gone: the same request is a new one
    expect((await s.api.clock('2025-09-27T10:00:00+08:00')).status).toBe(200);
    expect(
      (
        await s.api.event(c.id, 'ASSIGN', { unit: '示例单位2', designated: false }, dispatcher, {
          'idempotency-key': 'r2',
        })
      ).status,
    ).toBe(200);
    expect((await s.api.event(c.id, 'RETURN', { reason: '示例' }, unit)).status).toBe(200);
    const fresh = await s.api.event(c.id, 'ASSIGN', { unit: '示例单位', designated: false }, dispatcher, {
      'idempotency-key': 'k',
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body.rev).toBeGreaterThan(first.body.rev);
    await s.close();
  });
});
