/**
 * The webhook outbox over the store's queue (memory and PostgreSQL stores), on time the test moves by hand
 * (tests/support/manual-time.ts: the outbox's wake-ups on manual timers, `Date` faked): a delivery goes out at once;
 * a failed one is tried again only after its back-off (1× then 2× the base, each with ±20 % jitter), and is dead
 * after its last attempt, kept with its attempts and error; the next delivery of the same case and subscription
 * waits behind it and goes out once it is settled. No test here waits on the wall clock.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Instance } from '../../engine';
import { Outbox } from '../../server/webhooks/outbox';
import { type Webhook } from '../../server/registry';
import { timerDelta, type Store } from '../../server/store/seam';
import { newCaseId, newId } from '../../server/util/ids';
import { testStores } from '../support/stores';
import { manualTime } from '../support/manual-time';

const T0 = Date.parse('2025-06-02T00:00:00.000Z');
afterAll(() => close());
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

const { stores, close } = testStores({ prefix: 'outbox' });

const hook: Webhook = {
  id: 'wh1',
  url: 'http://receiver.invalid/hook',
  events: ['transition'],
  secret: 'secret-示例',
  createdAt: new Date(T0).toISOString(),
  createdBy: 'admin',
};

/** One step of a case that writes deliveries `types` to the subscription (in this order). */
async function deliveries(s: Store, caseId: string, rev: number, types: string[]): Promise<string[]> {
  const ids = types.map(() => newId('d'));
  await s.cases.transact(caseId, async (tx) => {
    const prev = tx.current?.instance ?? null;
    const at = new Date().toISOString();
    const next: Instance = {
      id: caseId,
      pack: 'p',
      procedure: 'q',
      version: 1,
      rev,
      status: 'active',
      state: 's',
      stateValue: 's',
      data: {},
      overdue: false,
      deadlines: [],
      createdAt: at,
      updatedAt: at,
    };
    await tx.commit({
      instance: next,
      timers: timerDelta(prev, next),
      outbox: types.map((type, i) => ({ id: ids[i], webhook: hook.id, type, createdAt: at, body: { type } })),
      history: { seq: rev, at, type: 'X', from: null, to: 's', rules: [], effects: [] },
    });
  });
  return ids;
}

describe.each(stores)('outbox on time moved by hand (%s store)', (_n, make) => {
  it('retries a failed delivery only after its back-off, which doubles; dead after its last attempt; the next of its case waits behind it', async () => {
    const s = await make();
    const time = manualTime(T0);
    const sent: { type: string; at: number; key: string }[] = [];
    const outbox = new Outbox({
      store: s,
      owner: 'me',
      log: () => {},
      webhook: (id) => (id === hook.id ? hook : undefined),
      retryBaseMs: 1000,
      maxAttempts: 3,
      timers: time.timers,
      sender: {
        async post(_url, body, headers) {
          const { type } = JSON.parse(body) as { type: string };
          sent.push({ type, at: Date.now() - T0, key: headers['idempotency-key'] });
          return { status: type === 'first' ? 500 : 204 };
        },
      },
    });
    const c = newCaseId();
    const [first, second] = await deliveries(s, c, 1, ['first', 'second']);
    outbox.start();
    await outbox.quiet();
    // at once, and only the first: the second of the same case and subscription waits behind it
    expect(sent.map((x) => [x.type, x.at])).toEqual([['first', 0]]);
    const advance = (ms: number) => time.advanceTo(ms, () => outbox.quiet());
    // the first back-off is 1 s ± 20 %: nothing before 800 ms, however often the outbox is woken
    await advance(799);
    expect(sent).toHaveLength(1);
    await advance(1200);
    expect(sent.map((x) => x.type)).toEqual(['first', 'first']);
    const retry = sent[1].at;
    expect(retry).toBeGreaterThanOrEqual(800);
    // the second back-off is 2 s ± 20 %
    await advance(retry + 1599);
    expect(sent).toHaveLength(2);
    await advance(retry + 2400);
    // the third attempt is its last: dead, and the second delivery goes out at once after it
    expect(sent.map((x) => x.type)).toEqual(['first', 'first', 'first', 'second']);
    expect(sent[2].at).toBeGreaterThanOrEqual(retry + 1600);
    expect(sent[3].at).toBe(sent[2].at);
    // the same Idempotency-Key on every attempt of one delivery
    expect(new Set(sent.slice(0, 3).map((x) => x.key))).toEqual(new Set([first]));
    expect(sent[3].key).toBe(second);
    const rows = await s.outbox.ofCase(c);
    expect(rows.find((r) => r.id === first)).toMatchObject({ status: 'dead', attempts: 3, lastError: 'HTTP 500' });
    expect(rows.find((r) => r.id === second)?.status ?? 'delivered').toBe('delivered');
    expect(await outbox.pending()).toBe(0);
    expect(time.next()).toBe(null);
    await outbox.stop();
  });

  it('sends a retry when its back-off ends, also when the jitter ends it a fraction of a millisecond before a whole one', async () => {
    const s = await make();
    const time = manualTime(T0);
    const sent: number[] = [];
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.9999); // back-off 1,199.96 ms
    try {
      const outbox = new Outbox({
        store: s,
        owner: 'me',
        log: () => {},
        webhook: (id) => (id === hook.id ? hook : undefined),
        retryBaseMs: 1000,
        maxAttempts: 3,
        timers: time.timers,
        sender: {
          async post() {
            sent.push(Date.now() - T0);
            return { status: sent.length === 1 ? 500 : 204 };
          },
        },
      });
      await deliveries(s, newCaseId(), 1, ['first']);
      outbox.start();
      await outbox.quiet();
      await time.advanceTo(1200, () => outbox.quiet());
      // due at 1,200 ms (whole milliseconds, as the clock reads), not woken at 1,199 to find it not due and sleep on
      expect(sent).toEqual([0, 1200]);
      await outbox.stop();
    } finally {
      random.mockRestore();
    }
  });

  it('idle() resolves once every delivery is settled, following the wake-ups instead of polling', async () => {
    const s = await make();
    const time = manualTime(T0);
    let calls = 0;
    const outbox = new Outbox({
      store: s,
      owner: 'me',
      log: () => {},
      webhook: () => hook,
      retryBaseMs: 1000,
      maxAttempts: 5,
      timers: time.timers,
      sender: { post: async () => ({ status: ++calls === 1 ? 503 : 204 }) },
    });
    await deliveries(s, newCaseId(), 1, ['only']);
    outbox.start();
    let idle = false;
    const done = outbox.idle().then(() => (idle = true));
    await outbox.quiet();
    expect([calls, idle]).toEqual([1, false]);
    await time.advanceTo(1200, () => outbox.quiet());
    await done;
    expect([calls, idle]).toEqual([2, true]);
    await outbox.stop();
  });
});
