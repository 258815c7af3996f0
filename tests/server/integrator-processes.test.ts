/**
 * The integrator's API on several server processes sharing one PostgreSQL database (API.md "Auth": a revoked token
 * stops working at once, on every server process): a token revoked on one process is refused by the others as soon
 * as the store's change notice reaches them — with LISTEN/NOTIFY, and on polling alone. An idempotent start and a
 * business key race between processes and still make one case. The delays measured are printed, not asserted (a
 * busy machine stretches them); the deadline of each wait is generous.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { server, gridData, until } from './helpers';
import { freshDatabase } from '../support/pg';

const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  while (open.length)
    await open
      .pop()!
      .close()
      .catch(() => undefined);
});

async function pair(notify: boolean) {
  const db = await freshDatabase('integrator');
  open.push({ close: () => db.drop() });
  const opts = { store: 'postgres' as const, pgUrl: db.url, pgNotify: notify, pgPollMs: 500 };
  const a = await server(opts);
  open.push(a);
  const b = await server(opts);
  open.push(b);
  return { a, b };
}

describe.each([
  ['LISTEN/NOTIFY', true],
  ['polling alone', false],
] as const)('two processes on one database (%s)', (how, notify) => {
  it('a token revoked on one is refused by the other at its next change notice', async () => {
    const { a, b } = await pair(notify);
    const made = (
      await a.api.post('/api/admin/tokens', { subject: '法院系统(示例)', roles: ['court'], packs: ['national'] })
    ).body;
    const court = b.api.as(made.token);
    expect((await court.get('/api/me')).status).toBe(200); // cached by process b
    expect((await b.api.get('/api/admin/tokens')).body.map((t: { id: string }) => t.id)).toContain(made.id);
    expect((await a.api.del(`/api/admin/tokens/${made.id}`)).status).toBe(204);
    expect((await a.api.as(made.token).get('/api/me')).status).toBe(401); // at once where it was revoked
    const t0 = performance.now();
    await until(
      async () => (await court.get('/api/me')).status === 401,
      10_000,
      'the other process to refuse the revoked token',
    );
    console.log(`revocation reached the other process (${how}) after ${Math.round(performance.now() - t0)} ms`);
    expect((await b.api.get('/api/admin/tokens')).body.map((t: { id: string }) => t.id)).not.toContain(made.id);
  });

  it('the same Idempotency-Key or business key sent to both at once makes one case', async () => {
    const { a, b } = await pair(notify);
    const body = { pack: 'national', procedure: 'grid-event', data: gridData };
    const keyed = await Promise.all(
      [a, b, a, b].map((s) => s.api.post('/api/instances', body, { 'idempotency-key': '12345-req-9' })),
    );
    expect(new Set(keyed.map((r) => r.body.id)).size).toBe(1);
    expect(keyed.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const byKey = await Promise.all(
      [a, b, a, b].map((s) => s.api.post('/api/instances', { ...body, businessKey: 'NCX-2025-9' })),
    );
    expect(new Set(byKey.map((r) => r.body.id)).size).toBe(1);
    expect(byKey.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    expect(await a.deps.store.cases.count()).toBe(2);
  });
});
