/**
 * Given each national scenario, when it is driven over HTTP against the real server (controlled clock moved to
 * each step's time, so deadlines fire through the scheduler), then every step ends where the engine says, and the
 * four procedures each reach their final states.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../engine';
import { server, type Api } from './helpers';

const dir = 'configs/packs/national/scenarios';
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f.slice(0, -5), sc: JSON.parse(readFileSync(join(dir, f), 'utf8')) as Scenario }))
  // scenarios that look up other cases by made-up ids are for the engine alone
  .filter(({ sc }) => !sc.instances);

const finals = new Map<string, Set<string>>();
const running: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.close()));
});

async function drive(api: Api, sc: Scenario) {
  const started = await api.post('/api/instances', { pack: 'national', procedure: sc.procedure, data: sc.data });
  if (sc.expect?.refused) {
    expect(started.status).toBeGreaterThanOrEqual(400);
    expect(started.body.error.code).toBe(sc.expect.refused.code);
    return;
  }
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const id = started.body.id;
  if (sc.expect?.state) expect(started.body.state).toBe(sc.expect.state);
  for (const d of Object.entries(sc.expect?.deadlines ?? {})) {
    expect(started.body.deadlines.find((x: { name: string }) => x.name === d[0])?.dueDate).toBe(d[1]);
  }
  let last = started.body;
  for (const st of sc.steps) {
    const when = st.advanceTo ?? st.at;
    if (when) expect((await api.clock(when)).status).toBe(200);
    if (st.event) {
      const actor = st.event.actor ? { subject: st.event.actor.subject, roles: st.event.actor.roles } : undefined;
      const r = await api.event(id, st.event.type, st.event.payload, actor);
      if (st.expect?.refused) {
        expect(r.body.error?.code, JSON.stringify(r.body)).toBe(st.expect.refused.code);
        // GUARD_REJECTED lists its rules in details.rules; a 422 from payload rules lists problems, each naming its rule
        const judged = (
          Array.isArray(r.body.error.details) ? r.body.error.details : (r.body.error.details?.rules ?? [])
        ) as { rule?: string; basis?: { 'zh-CN': string } }[];
        const failing = judged.map((x) => x.rule);
        for (const rule of st.expect.refused.rules ?? []) expect(failing).toContain(rule);
        for (const rule of judged.filter((x) => x.rule)) expect(rule.basis?.['zh-CN'].length).toBeGreaterThan(0);
        for (const [rule, text] of Object.entries(st.expect.bases ?? {}))
          expect(judged.find((x) => x.rule === rule)?.basis?.['zh-CN']).toContain(text);
      } else {
        expect(r.status, `${st.event.type}: ${JSON.stringify(r.body)}`).toBe(200);
        last = r.body;
        if (st.expect?.bases) {
          // the history names the text of each rule's basis in force on the step's date
          const history = (await api.get(`/api/instances/${id}/history`)).body as {
            rules: { rule: string; basis?: { 'zh-CN': string } }[];
          }[];
          const rules = history[history.length - 1].rules;
          for (const [rule, text] of Object.entries(st.expect.bases))
            expect(rules.find((x) => x.rule === rule)?.basis?.['zh-CN'], rule).toContain(text);
        }
      }
    }
    const now = (await api.get(`/api/instances/${id}`)).body;
    if (st.expect?.state) expect(now.state, `after ${st.event?.type ?? `advance to ${when}`}`).toBe(st.expect.state);
    if (st.expect?.overdue !== undefined) expect(now.overdue).toBe(st.expect.overdue);
    if (st.expect?.status) expect(now.status).toBe(st.expect.status);
    last = now;
  }
  if (last.status === 'done') {
    const set = finals.get(sc.procedure) ?? new Set<string>();
    set.add(last.state);
    finals.set(sc.procedure, set);
  }
  const history = (await api.get(`/api/instances/${id}/history`)).body as { seq: number }[];
  expect(history.map((h) => h.seq)).toEqual(history.map((_, i) => i + 1));
}

describe('national scenarios over HTTP', () => {
  for (const { name, sc } of scenarios) {
    it(name, async () => {
      const srv = await server({ now: sc.at });
      running.push(srv);
      await drive(srv.api, sc);
      await srv.close();
    });
  }

  it('reach a final state of each of the four procedures', () => {
    expect([...finals.keys()].sort()).toEqual([
      'community-consultation',
      'dispute-mediation',
      'duty-admission',
      'grid-event',
    ]);
    expect(finals.get('dispute-mediation')).toContain('closed');
    expect(finals.get('community-consultation')).toContain('closed');
    expect(finals.get('grid-event')).toContain('closed');
  });
});
