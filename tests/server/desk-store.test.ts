/**
 * What the supervision desk asks of every store (memory, file, PostgreSQL), by the store contract of seam.ts:
 * - listings in each order (newest first, oldest first, nearest deadline first) with keyset paging that walks every
 *   case once, a window of days opened (Asia/Shanghai), business keys by their beginning (wildcards taken literally);
 * - the figures' counters equal a count made from the cases themselves after random histories (cases opened on
 *   different days, moving between states, closed, overdue, rated, resolved, handed off, with completed stays), for
 *   several scopes and windows; on PostgreSQL also after folding the deltas, and after a recount from the cases.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Instance } from '../../engine';
import { PgStore } from '../../server/store/postgres';
import { fold, recount } from '../../server/store/postgres/stats-index';
import { newCaseId } from '../../server/util/ids';
import { timerDelta, type CaseDelta, type CaseSort, type StatsCounts, type Store } from '../../server/store/seam';
import type { CaseFigures } from '../../server/store/stats-index';
import { testStores } from '../support/stores';

afterAll(() => close());

// PostgreSQL folds its deltas only when the test asks for it
const { stores, close } = testStores({ prefix: 'desk', file: true, pg: { poolSize: 5, foldMs: 3_600_000 } });

function instance(id: string, extra: Partial<Instance> = {}): Instance {
  return {
    id,
    pack: 'national',
    procedure: 'grid-event',
    version: 1,
    rev: 1,
    status: 'active',
    state: 'dispatch',
    stateValue: 'dispatch',
    data: {},
    deadlines: [],
    overdue: false,
    createdAt: '2025-09-26T10:00:00+08:00',
    updatedAt: '2025-09-26T10:00:00+08:00',
    ...extra,
  };
}

function deadline(name: string, dueAt: string) {
  return { name, state: 'handling', dueAt, dueDate: dueAt.slice(0, 10), armedAt: dueAt, overdue: false };
}

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

async function put(s: Store, next: Instance, extra: Partial<CaseDelta> = {}): Promise<void> {
  await s.cases.transact(next.id, async (tx) => tx.commit(delta(tx.current?.instance ?? null, next, extra)));
}

/** Every page of a listing, following `next` (and `nextKey`). */
async function walk(
  s: Store,
  q: Omit<Parameters<Store['cases']['list']>[0], 'limit' | 'after' | 'afterKey'>,
  limit: number,
): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  let afterKey: string | undefined;
  for (let i = 0; i < 100; i++) {
    const r = await s.cases.list({
      ...q,
      limit,
      ...(after ? { after } : {}),
      ...(afterKey !== undefined ? { afterKey } : {}),
    });
    out.push(...r.items.map((x) => x.id));
    if (!r.next) return out;
    after = r.next;
    afterKey = r.nextKey;
  }
  throw new Error('listing did not end');
}

describe.each(stores)('desk listings on the %s store', (_name, make) => {
  it('orders by time opened either way and by the nearest deadline, paging through every case once', async () => {
    const s = await make();
    // twelve cases over four days (one created at the same instant as another), some with deadlines
    const cases: Instance[] = [];
    for (let k = 0; k < 12; k++) {
      const day = 20 + (k % 4);
      const at = `2025-09-${day}T${String(8 + (k % 3)).padStart(2, '0')}:00:00+08:00`;
      const i = instance(newCaseId(), {
        createdAt: at,
        updatedAt: at,
        businessKey: k === 5 ? 'JY_2025-X' : `JY-2025-${String(k).padStart(3, '0')}`,
        pack: k % 5 === 0 ? 'jiangyin-city' : 'national',
        ...(k % 3 === 0
          ? {
              state: 'handling',
              deadlines: [deadline('reply', `2025-10-${String(1 + ((k * 7) % 9)).padStart(2, '0')}T23:59:59+08:00`)],
            }
          : {}),
        ...(k === 7 ? { status: 'done', state: 'closed' } : {}),
      });
      cases.push(i);
      await put(s, i);
    }
    const t = (i: Instance) => Date.parse(i.createdAt);
    const byId = (a: Instance, b: Instance) => (a.id < b.id ? -1 : 1);
    const expected: Record<CaseSort, string[]> = {
      id: [...cases].sort(byId).map((i) => i.id),
      createdAt: [...cases].sort((a, b) => t(a) - t(b) || byId(a, b)).map((i) => i.id),
      '-createdAt': [...cases].sort((a, b) => t(b) - t(a) || byId(b, a)).map((i) => i.id),
      dueAt: [
        ...cases
          .filter((i) => i.deadlines.length)
          .sort((a, b) => Date.parse(a.deadlines[0].dueAt) - Date.parse(b.deadlines[0].dueAt) || byId(a, b)),
        ...cases.filter((i) => !i.deadlines.length).sort(byId),
      ].map((i) => i.id),
    };
    for (const sort of ['id', 'createdAt', '-createdAt', 'dueAt'] as CaseSort[]) {
      for (const limit of [1, 3, 5, 50])
        expect(await walk(s, { packs: '*', sort }, limit), `${sort} by ${limit}`).toEqual(expected[sort]);
    }
    // a window of days opened, with a filter and an order
    const inWindow = (i: Instance) => i.createdAt >= '2025-09-21' && i.createdAt < '2025-09-23';
    expect(await walk(s, { packs: '*', from: '2025-09-21', to: '2025-09-22', sort: '-createdAt' }, 2)).toEqual(
      expected['-createdAt'].filter((id) => inWindow(cases.find((i) => i.id === id)!)),
    );
    expect(await walk(s, { packs: ['national'], pack: 'national', state: 'handling', sort: 'dueAt' }, 2)).toEqual(
      expected.dueAt.filter((id) => {
        const i = cases.find((x) => x.id === id)!;
        return i.pack === 'national' && i.state === 'handling';
      }),
    );
    // business keys by their beginning; '_' is a character here, not a wildcard
    expect(
      (await s.cases.list({ packs: '*', businessKeyPrefix: 'JY_', limit: 50 })).items.map((i) => i.businessKey),
    ).toEqual(['JY_2025-X']);
    expect(
      (await s.cases.list({ packs: '*', businessKeyPrefix: 'JY-2025-01', limit: 50, sort: 'createdAt' })).items
        .map((i) => i.businessKey)
        .sort(),
    ).toEqual(['JY-2025-010', 'JY-2025-011']);
    expect(
      (await s.cases.list({ packs: ['national'], businessKeyPrefix: 'JY-2025-01', limit: 50 })).items.map(
        (i) => i.businessKey,
      ),
    ).toEqual(['JY-2025-011']);
    expect((await s.cases.list({ packs: '*', businessKeyPrefix: 'JY%', limit: 50 })).items).toEqual([]);
    // a closed case has no deadline in the dueAt order and a running one's earliest counts
    const closed = cases[7];
    expect(expected.dueAt.indexOf(closed.id)).toBeGreaterThanOrEqual(cases.filter((i) => i.deadlines.length).length);
  });
});

/** A reference count of the figures from the cases as they stand (written apart from store/stats-index.ts). */
interface Kept {
  inst: Instance;
  sat?: { satisfied: number; total: number };
  fig?: CaseFigures;
}
const dayOf = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
const monday = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
};

function reference(
  cases: Kept[],
  q: { packs: string[] | '*'; pack?: string; procedure?: string; from?: string; to?: string },
) {
  const inScope = (pack: string, procedure: string, day: string) =>
    (q.packs === '*' || q.packs.includes(pack)) &&
    (!q.pack || pack === q.pack) &&
    (!q.procedure || procedure === q.procedure) &&
    (!q.from || day >= q.from) &&
    (!q.to || day <= q.to);
  const r = {
    cohort: {
      opened: 0,
      closed: 0,
      cancelled: 0,
      onTime: 0,
      overdue: 0,
      rated: 0,
      satisfied: 0,
      total: 0,
      resolvable: 0,
      resolved: 0,
      handedOff: 0,
    },
    byState: {} as Record<string, Record<string, number>>,
    stays: {} as Record<string, Record<string, { ms: number; n: number }>>,
    openedByWeek: {} as Record<string, number>,
    closedByWeek: {} as Record<string, number>,
  };
  for (const c of cases) {
    const i = c.inst;
    if (i.status === 'done' && c.fig?.closedAt && inScope(i.pack, i.procedure, dayOf(c.fig.closedAt))) {
      const w = monday(dayOf(c.fig.closedAt));
      r.closedByWeek[w] = (r.closedByWeek[w] ?? 0) + 1;
    }
    const day = dayOf(i.createdAt);
    if (!inScope(i.pack, i.procedure, day)) continue;
    r.cohort.opened++;
    r.openedByWeek[monday(day)] = (r.openedByWeek[monday(day)] ?? 0) + 1;
    if (i.status === 'done') {
      r.cohort.closed++;
      if (!i.everOverdue) r.cohort.onTime++;
    } else {
      if (i.overdue) r.cohort.overdue++;
      (r.byState[i.procedure] ??= {})[i.state] = (r.byState[i.procedure]?.[i.state] ?? 0) + 1;
    }
    if (c.sat) {
      r.cohort.rated++;
      r.cohort.satisfied += c.sat.satisfied;
      r.cohort.total += c.sat.total;
    }
    if (c.fig?.resolved !== undefined) {
      r.cohort.resolvable++;
      if (c.fig.resolved) r.cohort.resolved++;
    }
    if (c.fig?.handedOff) r.cohort.handedOff++;
    for (const [st, v] of Object.entries(c.fig?.stays ?? {})) {
      const m = (r.stays[i.procedure] ??= {});
      m[st] = { ms: (m[st]?.ms ?? 0) + v.ms, n: (m[st]?.n ?? 0) + v.n };
    }
  }
  return r;
}

const STATES = ['dispatch', 'handling', 'followUp', 'closed'];
const SCOPES = [
  { packs: '*' as const },
  { packs: '*' as const, pack: 'jiangyin-city' },
  { packs: ['national'], procedure: 'grid-event' },
  { packs: '*' as const, from: '2025-09-23', to: '2025-09-30' },
  { packs: '*' as const, from: '2025-09-22', to: '2025-10-05' },
  { packs: '*' as const, to: '2025-09-24' },
  { packs: ['jiangyin-city', 'national'], pack: 'national', procedure: 'dispute-mediation', from: '2025-09-20' },
];

const step = fc.record({
  k: fc.nat(7),
  state: fc.constantFrom(...STATES),
  overdue: fc.boolean(),
  sat: fc.option(fc.boolean(), { nil: undefined }),
  hours: fc.integer({ min: 1, max: 60 }),
  handed: fc.boolean(),
});

describe.each(stores)("the figures' counters on the %s store", (name, make) => {
  it('equal a count from the cases after random histories, for every scope and window', async () => {
    const runs = name === 'postgres' ? 4 : 12;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), async (steps) => {
        const s = await make();
        const kept: Kept[] = [];
        let now = Date.parse('2025-09-20T09:00:00+08:00');
        for (const st of steps) {
          now += st.hours * 3600_000;
          const at = new Date(now).toISOString();
          const c = kept[st.k % Math.max(1, kept.length)];
          if (!c || st.k >= kept.length) {
            // a new case (every other one in the county pack, every third a mediation case that records resolution)
            const n = kept.length;
            const inst = instance(newCaseId(), {
              createdAt: at,
              updatedAt: at,
              pack: n % 2 ? 'jiangyin-city' : 'national',
              procedure: n % 3 ? 'grid-event' : 'dispute-mediation',
            });
            const fig: CaseFigures = {
              since: at,
              ...(inst.procedure === 'dispute-mediation' ? { resolved: false } : {}),
            };
            kept.push({ inst, fig });
            await put(s, inst, { figures: fig });
            continue;
          }
          if (c.inst.status === 'done') continue;
          const moved = st.state !== c.inst.state;
          const done = st.state === 'closed';
          const prevFig = c.fig!;
          const stays = { ...(prevFig.stays ?? {}) };
          if (moved)
            stays[c.inst.state] = {
              ms: (stays[c.inst.state]?.ms ?? 0) + (now - Date.parse(prevFig.since)),
              n: (stays[c.inst.state]?.n ?? 0) + 1,
            };
          const next: Instance = {
            ...c.inst,
            rev: c.inst.rev + 1,
            updatedAt: at,
            state: st.state,
            status: done ? 'done' : 'active',
            overdue: !done && st.overdue,
            everOverdue: c.inst.everOverdue || (!done && st.overdue),
          };
          const fig: CaseFigures = {
            since: moved ? at : prevFig.since,
            ...(done ? { closedAt: at } : {}),
            ...(prevFig.resolved !== undefined ? { resolved: done && st.k % 2 === 0 } : {}),
            ...(prevFig.handedOff || st.handed ? { handedOff: true } : {}),
            ...(Object.keys(stays).length ? { stays } : {}),
          };
          const sat = st.sat === undefined ? undefined : { satisfied: st.sat ? 1 : 0, total: 1 };
          c.inst = next;
          c.fig = fig;
          if (sat) c.sat = sat;
          await put(s, next, { figures: fig, ...(sat ? { satisfaction: sat } : {}) });
        }
        const check = async (when: string) => {
          for (const q of SCOPES) {
            const got: StatsCounts = await s.cases.stats(q);
            expect(got, `${when}: ${JSON.stringify(q)}`).toEqual(reference(kept, q));
          }
        };
        await check('as written');
        if (s instanceof PgStore) {
          await fold(s.pool);
          await check('after folding');
          await recount(s.pool);
          await check('after a recount');
          // deltas folded on top of counted rows
          const c = kept.find((x) => x.inst.status === 'active');
          if (c) {
            const next = { ...c.inst, rev: c.inst.rev + 1, overdue: !c.inst.overdue, everOverdue: true };
            c.inst = next;
            await put(s, next, { figures: c.fig });
            await check('a step after the recount');
            await fold(s.pool);
            await check('folded after the recount');
          }
        }
      }),
      { numRuns: runs, seed: 18 },
    );
  }, 240_000);
});
