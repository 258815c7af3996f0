/**
 * Every change is an event (DESIGN decision 4): replaying a stored case's history against its pinned version
 * reproduces the stored instance — events, refusals left out, deadlines fired by the scheduler included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay, type HistoryEntry } from '../../engine';
import { server, mediationData, gridData } from './helpers';

let srv: Awaited<ReturnType<typeof server>>;
const ids: string[] = [];
beforeAll(async () => {
  srv = await server({ now: '2025-09-26T10:00:00+08:00' });
  const api = srv.api;
  const a = await api.start('national', 'dispute-mediation', mediationData);
  await api.event(a.id, 'EXTEND_MEDIATION', { consentingParties: ['张三', '李四'] });
  await api.event(a.id, 'CONFIRMED', {}); // refused: not stored
  const b = await api.start('nanchang-county', 'dispute-mediation', { ...mediationData, amount: 120000 });
  await api.event(b.id, 'AGREEMENT_SIGNED', { effectiveOn: '2025-09-26', form: 'written' });
  await api.event(b.id, 'PERFORMANCE_DISPUTE', {});
  const g = await api.start('national', 'grid-event', gridData);
  await api.event(g.id, 'ASSIGN', { unit: '示例单位', designated: true }, { roles: ['dispatcher'] });
  await api.clock('2025-12-20T09:00:00+08:00'); // a's extended mediation expires; g's reply deadline passes
  await api.event(b.id, 'FILED', { filedOn: '2025-12-20', track: 'simplified' }, { roles: ['court'] });
  ids.push(a.id, b.id, g.id);
});
afterAll(() => srv.close());

describe('replaying stored history', () => {
  it('reproduces each stored case exactly', async () => {
    for (const id of ids) {
      const { instance } = (await srv.deps.store.cases.get(id))!;
      const proc = await srv.deps.catalog.compiled(instance.pack, instance.procedure, instance.version);
      const history = (await srv.deps.store.cases.history(id)) as unknown as HistoryEntry[];
      expect(history.length, id).toBeGreaterThan(2);
      expect(await replay(proc, id, history)).toEqual(instance);
    }
  });

  it('the cases really went through deadlines and hand-offs', async () => {
    const types = await Promise.all(ids.map(async (id) => (await srv.deps.store.cases.history(id)).map((h) => h.type)));
    expect(types[0]).toContain('MEDIATION_EXPIRED');
    expect(types[1]).toEqual(['START', 'AGREEMENT_SIGNED', 'PERFORMANCE_DISPUTE', 'FILED']);
    expect(types[2]).toContain('DEADLINE_EXPIRED');
  });
});
