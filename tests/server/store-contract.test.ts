/**
 * The store contract (server/store/seam.ts): the memory, file and PostgreSQL stores pass the same suite — case
 * transactions checked against the revision, queries with keyset paging, the timer queue with leases and fire-once,
 * the outbox queue in history order with leases, versions that are never rewritten, drafts, tokens, webhooks,
 * settings and change notices. PostgreSQL runs against a real server (tests/support/postgres-cluster.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Instance } from '../../engine';
import { EmbeddedStore } from '../../server/store/embedded';
import { PgStore } from '../../server/store/postgres';
import { migrations } from '../../server/store/postgres/migrate';
import { FileInstanceStore, MemoryInstanceStore } from '../../server/store';
import { Registry } from '../../server/registry';
import { summarize } from '../../server/cases/summarize';
import { newCaseId } from '../../server/util/ids';
import { StoreConflict, timerDelta, type CaseDelta, type Store } from '../../server/store/seam';
import type { PublishedVersion } from '../../server/packs/catalog';
import { tempDir, until } from './helpers';
import { freshDatabase } from '../support/pg';
import { join } from 'node:path';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
});

type Make = () => Promise<Store>;

async function makePg(): Promise<Store> {
  const db = await freshDatabase('contract');
  const s = new PgStore({ url: db.url, pollMs: 100, poolSize: 5 });
  await s.open();
  cleanup.push(async () => {
    await s.close().catch(() => undefined);
    await db.drop();
  });
  return s;
}

const stores: [string, Make][] = [
  [
    'memory',
    async () => {
      const s = new EmbeddedStore({
        kind: 'memory',
        records: new MemoryInstanceStore(summarize),
        registry: Registry.inMemory(),
        versionsDir: null,
        fsync: false,
      });
      await s.open();
      return s;
    },
  ],
  [
    'file',
    async () => {
      const dir = tempDir();
      const s = new EmbeddedStore({
        kind: 'file',
        records: new FileInstanceStore({ dir: join(dir, 'instances'), fsync: false, summarize }),
        registry: new Registry(dir, false),
        versionsDir: join(dir, 'versions'),
        fsync: false,
      });
      await s.open();
      cleanup.push(() => s.close());
      return s;
    },
  ],
  ['postgres', makePg],
];

const T0 = '2025-09-26T10:00:00.000+08:00';

function instance(id: string, extra: Partial<Instance> = {}): Instance {
  return {
    id,
    pack: 'national',
    procedure: 'dispute-mediation',
    version: 1,
    rev: 1,
    status: 'active',
    state: 'mediation',
    stateValue: 'mediation',
    data: { n: 1, 名称: '示例' },
    deadlines: [],
    overdue: false,
    createdAt: T0,
    updatedAt: T0,
    ...extra,
  };
}

function deadline(name: string, dueAt: string) {
  return { name, state: 'mediation', dueAt, dueDate: dueAt.slice(0, 10), armedAt: T0, overdue: false };
}

/** The delta of a step from `prev` to `next` (history entry numbered by rev). */
function delta(prev: Instance | null, next: Instance, extra: Partial<CaseDelta> = {}): CaseDelta {
  return {
    instance: next,
    timers: timerDelta(prev, next),
    outbox: [],
    history: {
      seq: next.rev,
      at: next.updatedAt,
      type: prev ? 'EVENT' : 'START',
      from: prev?.state ?? null,
      to: next.state,
      rules: [],
      effects: [],
    },
    ...extra,
  };
}

async function create(s: Store, inst: Instance, extra: Partial<CaseDelta> = {}): Promise<void> {
  await s.cases.transact(inst.id, async (tx) => {
    expect(tx.current).toBeNull();
    await tx.commit(delta(null, inst, extra));
  });
}

/** Moves a case one revision on with `change` applied to its instance. */
async function advance(
  s: Store,
  id: string,
  change: (i: Instance) => Partial<Instance> = () => ({}),
  extra: Partial<CaseDelta> = {},
): Promise<Instance> {
  return s.cases.transact(id, async (tx) => {
    const prev = tx.current!.instance;
    const next = { ...prev, ...change(prev), rev: prev.rev + 1 };
    await tx.commit(delta(prev, next, extra));
    return next;
  });
}

function row(id: string, webhook: string, n: number) {
  return { id: `d${id}${webhook}n${n}`, webhook, type: 'transition', createdAt: T0, body: { n } };
}

function version(pack: string, procedure: string, v: number): PublishedVersion {
  return {
    pack,
    procedure,
    version: v,
    publishedAt: T0,
    source: 'pack',
    doc: { id: procedure, version: v } as unknown as PublishedVersion['doc'],
    context: { title: { 'zh-CN': '示例', en: 'sample' }, lineage: [pack], parameters: {}, data: {} },
  };
}

function info(v: number, hash: string, extra: Record<string, string> = {}) {
  return { version: v, hash, publishedAt: T0, source: 'pack' as const, ...extra };
}

describe.each(stores)('%s store: the store contract', (_name, make) => {
  it('creates a case in a transaction and reads it back: instance, summary, history', async () => {
    const s = await make();
    const id = newCaseId();
    await create(s, instance(id, { businessKey: 'BK-1' }), { satisfaction: { satisfied: 1, total: 2 } });
    expect((await s.cases.get(id))!.instance).toEqual(instance(id, { businessKey: 'BK-1' }));
    expect((await s.cases.get(id))!.satisfaction).toEqual({ satisfied: 1, total: 2 });
    expect(await s.cases.summary(id)).toMatchObject({
      id,
      pack: 'national',
      state: 'mediation',
      status: 'active',
      businessKey: 'BK-1',
    });
    await advance(s, id, () => ({ state: 'agreement' }));
    expect((await s.cases.history(id)).map((h) => [h.seq, h.to])).toEqual([
      [1, 'mediation'],
      [2, 'agreement'],
    ]);
    expect((await s.cases.get(id))!.satisfaction).toEqual({ satisfied: 1, total: 2 });
    expect(await s.cases.get('nonexistent0000')).toBeNull();
    expect(await s.cases.count()).toBe(1);
  });

  it('refuses a commit that does not follow the revision it read, and a transaction that throws writes nothing', async () => {
    const s = await make();
    const id = newCaseId();
    await create(s, instance(id));
    await expect(
      s.cases.transact(id, (tx) => tx.commit(delta(tx.current!.instance, { ...tx.current!.instance, rev: 5 }))),
    ).rejects.toBeInstanceOf(StoreConflict);
    await expect(
      s.cases.transact(id, async (tx) => {
        await tx.commit(
          delta(tx.current!.instance, { ...tx.current!.instance, rev: 2, state: 'x' }, { outbox: [row(id, 'wh1', 1)] }),
        );
        throw new Error('after the commit call, before the transaction ended');
      }),
    ).rejects.toThrow('after the commit call');
    expect((await s.cases.get(id))!.instance.rev).toBe(1);
    expect(await s.cases.history(id)).toHaveLength(1);
    expect(await s.outbox.pending()).toBe(0);
  });

  it('serializes concurrent transactions on one case: 20 at once all commit, one after another', async () => {
    const s = await make();
    const id = newCaseId();
    await create(s, instance(id));
    await Promise.all(
      Array.from({ length: 20 }, (_, k) => advance(s, id, (i) => ({ data: { ...i.data, [`k${k}`]: k } }))),
    );
    const inst = (await s.cases.get(id))!.instance;
    expect(inst.rev).toBe(21);
    expect(Object.keys(inst.data).filter((k) => k.startsWith('k'))).toHaveLength(20);
    expect((await s.cases.history(id)).map((h) => h.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it('keeps one case per business key of a pack', async () => {
    const s = await make();
    const a = newCaseId();
    await create(s, instance(a, { businessKey: 'BK-7' }));
    await expect(create(s, instance(newCaseId(), { businessKey: 'BK-7' }))).rejects.toMatchObject({
      kind: 'businessKey',
    });
    await create(s, instance(newCaseId(), { businessKey: 'BK-7', pack: 'nanchang-county' }));
    expect(await s.cases.byBusinessKey('national', 'BK-7')).toBe(a);
    expect(await s.cases.byBusinessKey('national', 'BK-8')).toBeNull();
    expect(await s.cases.count()).toBe(2);
  });

  it('lists in creation order with filters and keyset paging; stats count what the filters select', async () => {
    const s = await make();
    const ids: string[] = [];
    const specs: Partial<Instance>[] = [
      { state: 'mediation' },
      { state: 'fastTrackCourt.trial', pack: 'nanchang-county' },
      { state: 'fastTrackCourt.filing', overdue: true, everOverdue: true },
      { state: 'closed', status: 'done', everOverdue: true },
      { state: 'closed', status: 'done' },
      { state: 'mediation_extra' },
      { state: 'a.b,fastTrackCourt.x' },
      { state: 'handling', status: 'cancelled', procedure: 'grid-event' },
    ];
    for (const spec of specs) {
      const id = newCaseId();
      ids.push(id);
      await create(
        s,
        instance(id, { ...spec, businessKey: `K${ids.length}` }),
        spec.status === 'done' ? { satisfaction: { satisfied: 1, total: 1 } } : {},
      );
    }
    const all = await s.cases.list({ packs: '*', limit: 100 });
    expect(all.items.map((i) => i.id)).toEqual(ids);
    expect(all.next).toBeNull();
    const p1 = await s.cases.list({ packs: '*', limit: 3 });
    expect(p1.items.map((i) => i.id)).toEqual(ids.slice(0, 3));
    const p2 = await s.cases.list({ packs: '*', limit: 3, after: p1.next! });
    expect(p2.items.map((i) => i.id)).toEqual(ids.slice(3, 6));
    const byState = await s.cases.list({ packs: '*', limit: 100, state: 'fastTrackCourt' });
    expect(byState.items.map((i) => i.id)).toEqual([ids[1], ids[2], ids[6]]);
    expect((await s.cases.list({ packs: '*', limit: 100, state: 'mediation' })).items.map((i) => i.id)).toEqual([
      ids[0],
    ]);
    expect(
      (await s.cases.list({ packs: ['national'], limit: 100, state: 'fastTrackCourt' })).items.map((i) => i.id),
    ).toEqual([ids[2], ids[6]]);
    expect((await s.cases.list({ packs: '*', limit: 100, status: 'done' })).items).toHaveLength(2);
    expect((await s.cases.list({ packs: '*', limit: 100, status: 'cancelled' })).items.map((i) => i.id)).toEqual([
      ids[7],
    ]);
    expect((await s.cases.list({ packs: '*', limit: 100, overdue: true })).items.map((i) => i.id)).toEqual([ids[2]]);
    expect(
      (await s.cases.list({ packs: '*', limit: 100, pack: 'national', businessKey: 'K5' })).items.map((i) => i.id),
    ).toEqual([ids[4]]);
    // a business key without a pack: the case of every visible pack that has it
    expect((await s.cases.list({ packs: '*', limit: 100, businessKey: 'K2' })).items.map((i) => i.id)).toEqual([
      ids[1],
    ]);
    expect((await s.cases.list({ packs: ['national'], limit: 100, businessKey: 'K2' })).items).toEqual([]);
    expect((await s.cases.list({ packs: [], limit: 100 })).items).toEqual([]);
    const st = await s.cases.stats({ packs: '*', pack: 'national' });
    expect(st.cohort).toMatchObject({
      opened: 7,
      closed: 2,
      cancelled: 1,
      onTime: 1,
      overdue: 1,
      rated: 2,
      satisfied: 2,
      total: 2,
    });
    // open cases only, per procedure
    expect(st.byState).toEqual({
      'dispute-mediation': { mediation: 1, 'fastTrackCourt.filing': 1, mediation_extra: 1, 'a.b,fastTrackCourt.x': 1 },
    });
    expect(await s.cases.stats({ packs: '*', pack: 'national', procedure: 'grid-event' })).toMatchObject({
      cohort: { opened: 1, cancelled: 1 },
      byState: {},
    });
    expect((await s.cases.stats({ packs: '*', from: '2025-09-27' })).cohort.opened).toBe(0);
    expect((await s.cases.stats({ packs: '*', from: '2025-09-26', to: '2025-09-26' })).cohort.opened).toBe(8);
    expect((await s.cases.stats({ packs: ['nanchang-county'] })).cohort.opened).toBe(1);
    expect((await s.cases.openCases()).sort((x, y) => (x.pack + x.procedure < y.pack + y.procedure ? -1 : 1))).toEqual([
      { pack: 'nanchang-county', procedure: 'dispute-mediation', open: 1, overdue: 0 },
      { pack: 'national', procedure: 'dispute-mediation', open: 4, overdue: 1 },
    ]);
    // a change of state moves the counts
    await advance(s, ids[0], () => ({ status: 'cancelled' }));
    expect(await s.cases.stats({ packs: '*', pack: 'national' })).toMatchObject({
      cohort: { opened: 7, cancelled: 2 },
      byState: { 'dispute-mediation': { 'fastTrackCourt.filing': 1, mediation_extra: 1, 'a.b,fastTrackCourt.x': 1 } },
    });
  });

  it('keeps the first answer of each idempotency key', async () => {
    const s = await make();
    const id = newCaseId();
    await create(s, instance(id));
    const rec = { key: 'K-1', fingerprint: 'f', status: 200, at: T0, instance: instance(id, { rev: 2 }) };
    await advance(s, id, () => ({}), { idempotency: rec });
    await s.cases.transact(id, async (tx) => {
      expect(await tx.idempotency('K-1')).toEqual(rec);
      expect(await tx.idempotency('K-2')).toBeUndefined();
    });
  });

  it('keeps the first answer of a start made with an Idempotency-Key, one case per subject and key', async () => {
    const s = await make();
    const a = newCaseId();
    const first = {
      key: 'req-1',
      subject: '12345 热线(示例)',
      fingerprint: 'f',
      status: 201,
      at: T0,
      instance: instance(a),
    };
    await create(s, instance(a), { start: first });
    expect(await s.cases.byStartKey('12345 热线(示例)', 'req-1')).toBe(a);
    expect(await s.cases.byStartKey('another', 'req-1')).toBeNull();
    expect((await s.cases.get(a))!.start).toEqual(first);
    await advance(s, a);
    expect((await s.cases.get(a))!.start).toEqual(first);
    await expect(
      create(s, instance(newCaseId()), { start: { ...first, instance: instance('x') } }),
    ).rejects.toMatchObject({ kind: 'startKey' });
    await create(s, instance(newCaseId()), { start: { ...first, subject: 'another' } });
    expect(await s.cases.count()).toBe(2);
  });

  it('arms timers with the step, claims due ones with a lease, and a firing takes its timer once', async () => {
    const s = await make();
    const a = newCaseId();
    const b = newCaseId();
    await create(
      s,
      instance(a, {
        deadlines: [deadline('d1', '2025-10-01T23:59:59+08:00'), deadline('d2', '2025-10-05T23:59:59+08:00')],
      }),
    );
    await create(s, instance(b, { deadlines: [deadline('d1', '2025-10-03T23:59:59+08:00')] }));
    expect(await s.timers.nextDue()).toBe(Date.parse('2025-10-01T23:59:59+08:00'));
    expect(await s.timers.counts(new Date('2025-10-04T00:00:00+08:00'))).toEqual({ armed: 3, due: 2 });
    const owner = 'p1';
    const claimed = await s.timers.claimDue(new Date('2025-10-04T00:00:00+08:00'), {
      limit: 10,
      leaseMs: 60_000,
      owner,
    });
    expect(claimed).toEqual([
      { caseId: a, name: 'd1', dueAt: '2025-10-01T23:59:59+08:00' },
      { caseId: b, name: 'd1', dueAt: '2025-10-03T23:59:59+08:00' },
    ]);
    // leased: nobody else gets them, and they are not "next"
    expect(
      await s.timers.claimDue(new Date('2025-10-04T00:00:00+08:00'), { limit: 10, leaseMs: 60_000, owner: 'p2' }),
    ).toEqual([]);
    expect(await s.timers.nextDue()).toBe(Date.parse('2025-10-05T23:59:59+08:00'));
    // a firing that fails (throws) after taking the timer leaves it armed
    await expect(
      s.cases.transact(a, async (tx) => {
        expect(await tx.takeTimer('d1', '2025-10-01T23:59:59+08:00')).toBe(true);
        throw new Error('step failed');
      }),
    ).rejects.toThrow('step failed');
    // fire: take the timer and mark the deadline expired, in one transaction
    const fire = (id: string, name: string, dueAt: string) =>
      s.cases.transact(id, async (tx) => {
        if (!(await tx.takeTimer(name, dueAt))) return false;
        const prev = tx.current!.instance;
        const next = {
          ...prev,
          rev: prev.rev + 1,
          overdue: true,
          deadlines: prev.deadlines.map((d) => (d.name === name ? { ...d, overdue: true } : d)),
        };
        await tx.commit(delta(prev, next));
        return true;
      });
    expect(await fire(a, 'd1', '2025-10-01T23:59:59+08:00')).toBe(true);
    expect(await fire(a, 'd1', '2025-10-01T23:59:59+08:00')).toBe(false);
    expect(await fire(a, 'd1', '2025-10-02T23:59:59+08:00')).toBe(false); // another due time: not this timer
    expect(await s.timers.counts(new Date('2025-12-31T00:00:00+08:00'))).toEqual({ armed: 2, due: 2 });
    // a step that cancels a deadline removes its timer; one that re-arms it with a new time replaces it
    await advance(s, a, (i) => ({ deadlines: i.deadlines.filter((d) => d.name !== 'd2') }));
    await advance(s, b, () => ({ deadlines: [deadline('d1', '2025-11-30T23:59:59+08:00')] }));
    expect(await s.timers.counts(new Date('2025-12-31T00:00:00+08:00'))).toEqual({ armed: 1, due: 1 });
    expect(await fire(b, 'd1', '2025-10-03T23:59:59+08:00')).toBe(false);
    expect(await s.timers.nextDue()).toBe(Date.parse('2025-11-30T23:59:59+08:00'));
    // a case that ends drops its timers
    await advance(s, b, () => ({ status: 'done', state: 'closed' }));
    expect(await s.timers.counts(new Date('2025-12-31T00:00:00+08:00'))).toEqual({ armed: 0, due: 0 });
    expect(await s.timers.nextDue()).toBeNull();
  });

  it('makes a timer claimable again when its lease runs out or is released', async () => {
    const s = await make();
    const a = newCaseId();
    await create(s, instance(a, { deadlines: [deadline('d1', '2025-10-01T23:59:59+08:00')] }));
    const at = new Date('2025-10-02T00:00:00+08:00');
    const [c] = await s.timers.claimDue(at, { limit: 1, leaseMs: 150, owner: 'dies' });
    expect(c.name).toBe('d1');
    expect(await s.timers.claimDue(at, { limit: 1, leaseMs: 60_000, owner: 'p2' })).toEqual([]);
    const again = await until(
      async () => (await s.timers.claimDue(at, { limit: 1, leaseMs: 60_000, owner: 'p2' }))[0],
      5_000,
      'lease to run out',
    );
    expect(again).toEqual(c);
    await s.timers.release(again, 'someone-else', 0); // not the owner: no effect
    expect(await s.timers.claimDue(at, { limit: 1, leaseMs: 60_000, owner: 'p3' })).toEqual([]);
    await s.timers.release(again, 'p2', 0);
    expect(
      await until(
        async () => (await s.timers.claimDue(at, { limit: 1, leaseMs: 60_000, owner: 'p3' }))[0],
        5_000,
        'release',
      ),
    ).toEqual(c);
  });

  it('hands out deliveries in history order, one at a time per case and subscription, with leases and outcomes', async () => {
    const s = await make();
    const a = newCaseId();
    const b = newCaseId();
    await create(s, instance(a), { outbox: [row(a, 'w1', 1), row(a, 'w2', 1)] });
    await advance(s, a, () => ({}), { outbox: [row(a, 'w1', 2)] });
    await create(s, instance(b), { outbox: [row(b, 'w1', 1)] });
    expect(await s.outbox.pending()).toBe(4);
    const now = Date.now();
    const first = await s.outbox.claim({ now, limit: 10, leaseMs: 60_000, owner: 'p1' });
    expect(first.map((c) => c.id)).toEqual([row(a, 'w1', 1).id, row(a, 'w2', 1).id, row(b, 'w1', 1).id]);
    expect(first[0]).toMatchObject({ caseId: a, webhook: 'w1', type: 'transition', body: { n: 1 }, attempts: 0 });
    expect(await s.outbox.claim({ now, limit: 10, leaseMs: 60_000, owner: 'p2' })).toEqual([]);
    // a stale owner cannot settle
    expect(await s.outbox.settle(first[0], 'p2', { status: 'delivered', at: T0 })).toBe(false);
    expect(await s.outbox.settle(first[0], 'p1', { status: 'delivered', at: T0 })).toBe(true);
    expect(await s.outbox.settle(first[1], 'p1', { status: 'retry', error: 'HTTP 500', nextAt: now + 60_000 })).toBe(
      true,
    );
    expect(await s.outbox.settle(first[2], 'p1', { status: 'dead', error: 'HTTP 410', at: T0 })).toBe(true);
    const second = await s.outbox.claim({ now, limit: 10, leaseMs: 120_000, owner: 'p2' });
    expect(second.map((c) => c.id)).toEqual([row(a, 'w1', 2).id]);
    // the next attempt not leased to anyone: the retry
    expect(await s.outbox.nextAt()).toBe(now + 60_000);
    const later = await s.outbox.claim({ now: now + 60_001, limit: 10, leaseMs: 60_000, owner: 'p3' });
    expect(later.map((c) => [c.id, c.attempts])).toEqual([[row(a, 'w2', 1).id, 1]]);
    expect(await s.outbox.pending()).toBe(2);
  });

  it('lists a subscription’s deliveries by status, keeps dead ones, and redelivers dead and delivered ones in order', async () => {
    const s = await make();
    const a = newCaseId();
    await create(s, instance(a), { outbox: [{ ...row(a, 'w1', 1), requestId: 'req-1' }] });
    await advance(s, a, () => ({}), { outbox: [row(a, 'w1', 2), row(a, 'w9', 1)] });
    const now = Date.now();
    const [c1] = await s.outbox.claim({ now, limit: 1, leaseMs: 60_000, owner: 'p1' });
    expect(c1).toMatchObject({ id: row(a, 'w1', 1).id, requestId: 'req-1' });
    await s.outbox.settle(c1, 'p1', { status: 'retry', error: 'HTTP 503', at: T0, nextAt: now });
    expect((await s.outbox.list('w1', { limit: 10 })).map((d) => [d.id, d.status, d.attempts])).toEqual([
      [row(a, 'w1', 1).id, 'failed', 1],
      [row(a, 'w1', 2).id, 'pending', 0],
    ]);
    expect((await s.outbox.list('w1', { status: 'failed', limit: 10 }))[0]).toMatchObject({
      caseId: a,
      type: 'transition',
      lastError: 'HTTP 503',
      lastAttemptAt: T0,
      requestId: 'req-1',
    });
    const w1 = async () => {
      const claimed = await s.outbox.claim({ now: Date.now(), limit: 10, leaseMs: 60_000, owner: 'p1' });
      for (const c of claimed.filter((x) => x.webhook !== 'w1'))
        await s.outbox.settle(c, 'p1', { status: 'retry', error: 'later', nextAt: Date.now() + 600_000 });
      return claimed.filter((x) => x.webhook === 'w1');
    };
    const [again] = await w1();
    expect(again.id).toBe(row(a, 'w1', 1).id);
    await s.outbox.settle(again, 'p1', { status: 'dead', error: 'HTTP 500', at: T0 });
    expect(await s.outbox.dead()).toBe(1);
    // the lane moves on past a dead delivery
    const [next] = await w1();
    expect(next.id).toBe(row(a, 'w1', 2).id);
    await s.outbox.settle(next, 'p1', { status: 'delivered', at: T0 });
    expect((await s.outbox.list('w1', { limit: 10 })).map((d) => [d.id, d.status, d.attempts])).toEqual([
      [row(a, 'w1', 1).id, 'dead', 2],
      [row(a, 'w1', 2).id, 'delivered', 1],
    ]);
    expect((await s.outbox.list('w1', { status: 'delivered', limit: 10 }))[0]).toMatchObject({
      deliveredAt: T0,
      lastError: null,
      nextAttemptAt: null,
    });
    expect((await s.outbox.list('w1', { limit: 1 })).map((d) => d.id)).toEqual([row(a, 'w1', 2).id]);
    expect(await s.outbox.list('w2', { limit: 10 })).toEqual([]);
    // redelivery: unknown ids and other subscriptions' ids are refused; the dead one goes first again, then the delivered one
    expect(await s.outbox.redeliver('w1', 'dnope')).toBe(false);
    expect(await s.outbox.redeliver('w9', row(a, 'w1', 1).id)).toBe(false);
    expect(await s.outbox.redeliver('w1', row(a, 'w1', 2).id)).toBe(true);
    expect(await s.outbox.redeliver('w1', row(a, 'w1', 1).id)).toBe(true);
    expect(await s.outbox.dead()).toBe(0);
    const redo = await w1();
    expect(redo.map((c) => [c.id, c.attempts])).toEqual([[row(a, 'w1', 1).id, 0]]);
    await s.outbox.settle(redo[0], 'p1', { status: 'delivered', at: T0 });
    expect((await w1()).map((c) => c.id)).toEqual([row(a, 'w1', 2).id]);
  });

  it('writes pack sources and versions together, never reuses a version number, and drops the published draft', async () => {
    const s = await make();
    const pack = { source: { manifest: { id: 'p1' } } as never, origin: 'disk' as const, updatedAt: T0 };
    await s.drafts.save('p1', 'proc', { doc: { id: 'proc' } as never, savedAt: T0, savedBy: 'designer' });
    expect(await s.drafts.get('p1', 'proc')).toMatchObject({ savedBy: 'designer' });
    await s.catalog.commit({
      packs: { p1: pack },
      versions: [{ record: version('p1', 'proc', 1), info: info(1, 'h1') }],
    });
    const racing = await Promise.allSettled([
      s.catalog.commit({
        packs: { p1: pack },
        versions: [{ record: version('p1', 'proc', 2), info: info(2, 'h2a', { by: '设计员(示例)', note: '示例' }) }],
        dropDraft: { pack: 'p1', procedure: 'proc' },
      }),
      s.catalog.commit({
        packs: { p1: pack },
        versions: [{ record: version('p1', 'proc', 2), info: info(2, 'h2b', { followed: 'national' }) }],
      }),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((racing.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(StoreConflict);
    const vs = await s.catalog.versions();
    expect(vs.map((v) => [v.pack, v.procedure, v.version])).toEqual([
      ['p1', 'proc', 1],
      ['p1', 'proc', 2],
    ]);
    expect(await s.catalog.version('p1', 'proc', 1)).toEqual(version('p1', 'proc', 1));
    expect(await s.catalog.version('p1', 'proc', 3)).toBeNull();
    expect(Object.keys(await s.catalog.packs())).toEqual(['p1']);
    const won = vs[1].hash;
    expect(vs[1]).toMatchObject(won === 'h2a' ? { by: '设计员(示例)', note: '示例' } : { followed: 'national' });
    expect(await s.drafts.get('p1', 'proc')).toEqual(
      won === 'h2a' ? null : expect.objectContaining({ savedBy: 'designer' }),
    );
  });

  it('keeps tokens, webhooks and settings', async () => {
    const s = await make();
    await s.tokens.create({
      id: 'tk1',
      hash: 'h1',
      subject: '示例',
      roles: ['court'],
      packs: ['national'],
      createdAt: T0,
    });
    await s.tokens.create({
      id: 'tk2',
      hash: 'h2',
      subject: 'b',
      roles: [],
      packs: '*',
      createdAt: T0,
      expiresAt: '2026-01-01T00:00:00.000Z',
    });
    expect(await s.tokens.byHash('h1')).toMatchObject({ id: 'tk1', subject: '示例', packs: ['national'] });
    await s.tokens.touch('tk1', '2025-09-27T00:00:00.000Z');
    expect((await s.tokens.byHash('h1'))!.lastUsedAt).toBe('2025-09-27T00:00:00.000Z');
    expect((await s.tokens.list()).map((t) => t.id)).toEqual(['tk1', 'tk2']);
    expect(await s.tokens.revoke('tk1')).toBe(true);
    expect(await s.tokens.revoke('tk1')).toBe(false);
    expect(await s.tokens.byHash('h1')).toBeNull();

    const hook = {
      id: 'wh1',
      url: 'http://127.0.0.1:9/x',
      events: ['transition'],
      secret: 's',
      createdAt: T0,
      createdBy: 'admin',
    };
    await s.webhooks.create(hook);
    expect(await s.webhooks.list()).toEqual([hook]);
    expect(await s.webhooks.get('wh1')).toEqual(hook);
    expect(await s.webhooks.remove('wh1')).toBe(true);
    expect(await s.webhooks.get('wh1')).toBeNull();

    expect(await s.settings.get('clock')).toBeUndefined();
    expect(await s.settings.update('clock', () => '2025-09-26T01:00:00.000Z')).toBe('2025-09-26T01:00:00.000Z');
    await expect(
      s.settings.update('clock', (old) => {
        throw new Error(`refused (was ${old})`);
      }),
    ).rejects.toThrow('refused (was 2025-09-26T01:00:00.000Z)');
    expect(await s.settings.get('clock')).toBe('2025-09-26T01:00:00.000Z');
  });

  it('tells this process of changes: timers armed, deliveries written, registry and clock changes', async () => {
    const s = await make();
    const seen = new Set<string>();
    const off = s.changes.on((t) => seen.add(t));
    await create(s, instance(newCaseId(), { deadlines: [deadline('d1', '2025-10-01T23:59:59+08:00')] }), {
      outbox: [row('x', 'w1', 1)],
    });
    await s.webhooks.create({
      id: 'wh1',
      url: 'http://127.0.0.1:9/x',
      events: ['transition'],
      secret: 's',
      createdAt: T0,
      createdBy: 'admin',
    });
    await s.settings.update('clock', () => '2025-09-26T01:00:00.000Z');
    await until(() => ['timers', 'outbox', 'registry', 'clock'].every((t) => seen.has(t)), 5_000, 'change notices');
    off();
  });
});

describe('postgres store: many processes on one database', () => {
  it.each([
    ['with NOTIFY', true],
    ['on polling alone', false],
  ] as const)('a change made by one process is seen by another within a second (%s)', async (_n, notify) => {
    const db = await freshDatabase('contract');
    const a = new PgStore({ url: db.url, notify, pollMs: 200 });
    const b = new PgStore({ url: db.url, notify, pollMs: 200 });
    await a.open();
    await b.open();
    cleanup.push(async () => {
      await a.close();
      await b.close();
      await db.drop();
    });
    for (const [topic, change] of [
      [
        'registry',
        () => a.tokens.create({ id: 'tk1', hash: 'h1', subject: 's', roles: [], packs: '*', createdAt: T0 }),
      ],
      ['registry', () => a.tokens.revoke('tk1')],
      ['clock', () => a.settings.update('clock', () => '2025-09-26T01:00:00.000Z')],
    ] as const) {
      let seenAt = 0;
      const off = b.changes.on((t) => {
        if (t === topic && !seenAt) seenAt = Date.now();
      });
      const t0 = Date.now();
      await change();
      await until(() => seenAt, 5_000, `${topic} notice`);
      off();
      // a second is the promise; under load on a shared machine this is reported rather than asserted as a time
      if (seenAt - t0 > 1000) console.warn(`${topic} change seen after ${seenAt - t0} ms`);
    }
    expect(await b.tokens.byHash('h1')).toBeNull();
    expect(await b.settings.get('clock')).toBe('2025-09-26T01:00:00.000Z');
  });

  it('two processes claiming due timers at once get different ones, and each fires once', async () => {
    const db = await freshDatabase('contract');
    const a = new PgStore({ url: db.url, pollMs: 200 });
    const b = new PgStore({ url: db.url, pollMs: 200 });
    await a.open();
    await b.open();
    cleanup.push(async () => {
      await a.close();
      await b.close();
      await db.drop();
    });
    const ids = Array.from({ length: 60 }, () => newCaseId());
    for (const id of ids) await create(a, instance(id, { deadlines: [deadline('d1', '2025-10-01T23:59:59+08:00')] }));
    const fired: string[] = [];
    const at = new Date('2025-10-02T00:00:00+08:00');
    const work = async (s: PgStore) => {
      for (;;) {
        const batch = await s.timers.claimDue(at, { limit: 7, leaseMs: 30_000, owner: s.owner });
        if (!batch.length) return;
        for (const t of batch) {
          const ok = await s.cases.transact(t.caseId, async (tx) => {
            if (!(await tx.takeTimer(t.name, t.dueAt))) return false;
            const prev = tx.current!.instance;
            await tx.commit(
              delta(prev, {
                ...prev,
                rev: prev.rev + 1,
                deadlines: prev.deadlines.map((d) => ({ ...d, overdue: true })),
              }),
            );
            return true;
          });
          if (ok) fired.push(t.caseId);
        }
      }
    };
    await Promise.all([work(a), work(b), work(a), work(b)]);
    expect(fired.sort()).toEqual([...ids].sort());
    expect(await a.timers.counts(at)).toEqual({ armed: 0, due: 0 });
  });

  it('history rows and versions cannot be changed or deleted, even with SQL', async () => {
    const s = (await makePg()) as PgStore;
    const id = newCaseId();
    await create(s, instance(id));
    await s.catalog.commit({ packs: {}, versions: [{ record: version('p1', 'proc', 1), info: info(1, 'h1') }] });
    await expect(s.pool.query('UPDATE gz_history SET entry = $1 WHERE case_id = $2', ['{}', id])).rejects.toThrow(
      /never changed/,
    );
    await expect(s.pool.query('DELETE FROM gz_history WHERE case_id = $1', [id])).rejects.toThrow(/never changed/);
    await expect(s.pool.query("UPDATE gz_versions SET body = '{}'")).rejects.toThrow(/never changed/);
    await expect(s.pool.query('DELETE FROM gz_versions')).rejects.toThrow(/never changed/);
    expect(await s.cases.history(id)).toHaveLength(1);
  });

  it('applies migrations once when processes start together, and refuses a database newer than the server', async () => {
    const db = await freshDatabase('contract');
    const stores = Array.from({ length: 3 }, () => new PgStore({ url: db.url }));
    await Promise.all(stores.map((x) => x.open()));
    const applied = (await stores[0].pool.query('SELECT version FROM gz_migrations ORDER BY version')).rows.map(
      (r) => r.version,
    );
    expect(applied).toEqual(migrations().map((m) => m.version));
    await stores[0].pool.query(
      "INSERT INTO gz_migrations (version, name, applied_at) VALUES (999, 'from_the_future', now())",
    );
    await Promise.all(stores.map((x) => x.close()));
    const old = new PgStore({ url: db.url });
    await expect(old.open()).rejects.toThrow(/newer than this server/);
    await old.close();
    await db.drop();
  });
});
