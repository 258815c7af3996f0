/**
 * A case's answer is written by server/cases/view.ts `instanceJson`: its allowed events (with their payload schemas)
 * are worked out once per procedure version, status and configuration and their JSON text kept. The bytes must be
 * exactly `JSON.stringify` of the view, and the kept part must follow the version, the state and the status.
 */
import { describe, expect, it } from 'vitest';
import {
  allowedEvents,
  compileProcedure,
  resolvePacks,
  start,
  step,
  type CompiledProcedure,
  type Instance,
  type ProcedureDoc,
} from '../../engine';
import { loadPacksRoot } from '../../server/packs';
import { allowedEventsOf, instanceJson, instanceView } from '../../server/cases/view';
import { GRID_DATA, LOOP } from '../../bench/grid-event';
import { server } from './helpers';

const national = resolvePacks(loadPacksRoot('configs/packs')).packs.national;
const grid = national.procedures['grid-event'] as ProcedureDoc;
const compile = (doc: ProcedureDoc, version: number) => compileProcedure({ ...doc, version }, national);
const at = (iso: string) => ({ now: new Date(iso) });
const admin = { subject: 'admin', roles: ['admin'] };

async function ok<T extends { ok: boolean }>(r: T | Promise<T>): Promise<Extract<T, { ok: true }>> {
  const x = await r;
  if (!x.ok) throw new Error(JSON.stringify(x));
  return x as Extract<T, { ok: true }>;
}

async function startIn(proc: CompiledProcedure, id: string): Promise<Instance> {
  return (await ok(start(proc, { id, data: GRID_DATA }, at('2025-09-26T09:00:00+08:00')))).instance;
}

const send = async (proc: CompiledProcedure, inst: Instance, e: { type: string; payload?: unknown }) =>
  (await ok(step(proc, inst, { ...e, actor: admin }, at('2025-09-26T10:00:00+08:00'), { anyRole: true }))).instance;

describe('a case answer with its allowed events kept as text', () => {
  it('is byte for byte JSON.stringify of the view, in every state of the loop', async () => {
    const proc = compile(grid, 1);
    let inst = await startIn(proc, 'c1');
    for (const e of [LOOP.ASSIGN, LOOP.RETURN, LOOP.ASSIGN]) {
      const view = instanceView(proc, inst);
      expect(view.events).toEqual(allowedEvents(proc, inst));
      expect(instanceJson(view)).toBe(JSON.stringify(view));
      inst = await send(proc, inst, e);
    }
  });

  it('follows the state: another configuration, another list and text', async () => {
    const proc = compile(grid, 1);
    const a = await startIn(proc, 'a1');
    const b = await send(proc, await startIn(proc, 'b1'), LOOP.ASSIGN);
    expect(a.state).not.toBe(b.state);
    const [va, vb] = [instanceView(proc, a), instanceView(proc, b)];
    expect(va.events.map((e) => e.type)).toEqual(allowedEvents(proc, a).map((e) => e.type));
    expect(vb.events.map((e) => e.type)).toEqual(allowedEvents(proc, b).map((e) => e.type));
    expect(va.events).not.toEqual(vb.events);
    expect(JSON.parse(instanceJson(vb)).events).toEqual(allowedEvents(proc, b));
    // two cases in the same state share one list
    expect(instanceView(proc, await startIn(proc, 'a2')).events).toBe(va.events);
  });

  it('follows the version: a changed event title in version 2 is what version 2 answers, version 1 keeps its own', async () => {
    const v1 = compile(grid, 1);
    const changed: ProcedureDoc = {
      ...grid,
      events: { ...grid.events, ASSIGN: { ...grid.events.ASSIGN, title: { 'zh-CN': '派单(新)', en: 'Assign (new)' } } },
    };
    const v2 = compile(changed, 2);
    const [i1, i2] = [await startIn(v1, 'v1'), await startIn(v2, 'v2')];
    const t1 = JSON.parse(instanceJson(instanceView(v1, i1))).events.find((e: { type: string }) => e.type === 'ASSIGN');
    const t2 = JSON.parse(instanceJson(instanceView(v2, i2))).events.find((e: { type: string }) => e.type === 'ASSIGN');
    expect(t1.title.en).toBe(grid.events.ASSIGN.title.en);
    expect(t2.title.en).toBe('Assign (new)');
  });

  it('follows the status: a case no longer active has no events, whatever its state', async () => {
    const proc = compile(grid, 1);
    const inst = await startIn(proc, 's1');
    const closed = { ...inst, status: 'cancelled' as const };
    expect(allowedEventsOf(proc, inst).length).toBeGreaterThan(0);
    const view = instanceView(proc, closed);
    expect(view.events).toEqual([]);
    expect(instanceJson(view)).toBe(JSON.stringify(view));
  });

  it('leaves a role-filtered list to the engine, and the kept list cannot be changed by a caller', async () => {
    const proc = compile(grid, 1);
    const inst = await startIn(proc, 'r1');
    expect(allowedEvents(proc, inst, ['nobody'])).toEqual([]);
    const events = allowedEventsOf(proc, inst) as unknown as { type: string }[];
    expect(() => (events as unknown[]).push({})).toThrow();
    expect(() => {
      events[0].type = 'X';
    }).toThrow();
  });

  it('a view not built by instanceView (its own events array) is serialised whole', async () => {
    const proc = compile(grid, 1);
    const view = instanceView(proc, await startIn(proc, 'o1'));
    const own = { ...view, events: [...view.events] };
    expect(own.events).not.toBe(view.events);
    expect(instanceJson(own)).toBe(JSON.stringify(own));
  });
});

describe('over HTTP', () => {
  it('an event answer and a creation are JSON with the length and type Koa gives an object', async () => {
    const srv = await server();
    try {
      const c = await fetch(`${srv.url}/api/instances`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${srv.adminToken}` },
        body: JSON.stringify({ pack: 'national', procedure: 'grid-event', data: GRID_DATA }),
      });
      const created = await c.text();
      expect(c.status).toBe(201);
      expect(c.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(Number(c.headers.get('content-length'))).toBe(Buffer.byteLength(created));
      const id = JSON.parse(created).id as string;
      const r = await fetch(`${srv.url}/api/instances/${id}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${srv.adminToken}` },
        body: JSON.stringify(LOOP.ASSIGN),
      });
      const text = await r.text();
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(Number(r.headers.get('content-length'))).toBe(Buffer.byteLength(text));
      const body = JSON.parse(text);
      expect(text).toBe(JSON.stringify(body));
      expect(body.state).toBe('handling');
      expect(body.events.map((e: { type: string }) => e.type).sort()).toEqual(['REPLY', 'RETURN']);
      const get = await fetch(`${srv.url}/api/instances/${id}`, {
        headers: { authorization: `Bearer ${srv.adminToken}` },
      });
      expect(await get.text()).toBe(text);
    } finally {
      await srv.close();
    }
  });
});
