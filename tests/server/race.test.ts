/**
 * Concurrency: events racing on one case are serialized. 50 concurrent events end with a consistent history (every
 * accepted event applied once, in order, rev strictly increasing); If-Match lets exactly one of a racing group win;
 * one Idempotency-Key sent 20 times at once is applied once and answered the same each time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { server, gridData } from './helpers';

let srv: Awaited<ReturnType<typeof server>>;
beforeAll(async () => {
  srv = await server();
});
afterAll(() => srv.close());

const dispatcher = { roles: ['dispatcher'] };
const unit = { roles: ['unit'] };

describe('50 concurrent events on one case', () => {
  it('apply every accepted event exactly once, in one order, with strictly increasing revisions', async () => {
    const c = await srv.api.start('national', 'grid-event', gridData);
    expect(c.state).toBe('dispatch');
    const sends = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? srv.api.event(c.id, 'ASSIGN', { unit: `示例单位${i}`, designated: false }, dispatcher)
        : srv.api.event(c.id, 'RETURN', { reason: `示例原因${i}` }, unit),
    );
    const replies = await Promise.all(sends);
    const accepted = replies.filter((r) => r.status === 200);
    const refused = replies.filter((r) => r.status !== 200);
    expect(accepted.length + refused.length).toBe(50);
    for (const r of refused) expect(r.body.error.code).toBe('EVENT_NOT_ALLOWED');
    expect(accepted.length).toBeGreaterThan(1);

    const revs = accepted.map((r) => r.body.rev).sort((a, b) => a - b);
    expect(new Set(revs).size).toBe(revs.length);
    const history = (await srv.api.get(`/api/instances/${c.id}/history`)).body as {
      seq: number;
      type: string;
      payload: any;
      from: string;
      to: string;
    }[];
    expect(history).toHaveLength(1 + accepted.length);
    expect(history.map((h) => h.seq)).toEqual(history.map((_, i) => i + 1));
    // each accepted reply is the history entry of its revision, and the entries chain from → to
    for (const r of accepted) {
      const h = history[r.body.rev - 1];
      expect(h.to).toBe(r.body.state);
      expect(h.type).toBe(r.body.state === 'handling' ? 'ASSIGN' : 'RETURN');
    }
    for (let i = 1; i < history.length; i++) expect(history[i].from).toBe(history[i - 1].to);
    const payloads = history.slice(1).map((h) => JSON.stringify(h.payload));
    expect(new Set(payloads).size).toBe(payloads.length);
    const final = (await srv.api.get(`/api/instances/${c.id}`)).body;
    expect(final.rev).toBe(history.length);
  });

  it('with the same If-Match, exactly one wins and the rest get REVISION_CONFLICT', async () => {
    const c = await srv.api.start('national', 'grid-event', gridData);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        srv.api.event(
          c.id,
          i % 2 ? 'RETURN' : 'ASSIGN',
          i % 2 ? { reason: '示例' } : { unit: '示例单位', designated: false },
          i % 2 ? unit : dispatcher,
          { 'if-match': `"${c.rev}"` },
        ),
      ),
    );
    const codes = replies.map((r) => (r.status === 200 ? 'OK' : r.body.error.code));
    expect(codes.filter((x) => x === 'OK')).toHaveLength(1);
    expect(codes.filter((x) => x !== 'OK').every((x) => x === 'REVISION_CONFLICT' || x === 'EVENT_NOT_ALLOWED')).toBe(
      true,
    );
    const history = (await srv.api.get(`/api/instances/${c.id}/history`)).body;
    expect(history).toHaveLength(2);
  });

  it('one Idempotency-Key sent 20 times at once is applied once and every answer is the first', async () => {
    const c = await srv.api.start('national', 'grid-event', gridData);
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        srv.api.event(c.id, 'ASSIGN', { unit: '示例单位', designated: true }, dispatcher, {
          'idempotency-key': 'hotline-ticket-42-assign',
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(replies[0].body.rev).toBe(2);
    const history = (await srv.api.get(`/api/instances/${c.id}/history`)).body;
    expect(history.map((h: { type: string }) => h.type)).toEqual(['START', 'ASSIGN']);
    // after the case moved on, the key still replays the first answer
    expect((await srv.api.event(c.id, 'REPLY', { result: '已处理(示例)' }, unit)).status).toBe(200);
    const again = await srv.api.event(c.id, 'ASSIGN', { unit: '示例单位', designated: true }, dispatcher, {
      'idempotency-key': 'hotline-ticket-42-assign',
    });
    expect(again.body).toEqual(replies[0].body);
    // the same key with a different request is refused
    const other = await srv.api.event(c.id, 'ASSIGN', { unit: '另一单位', designated: true }, dispatcher, {
      'idempotency-key': 'hotline-ticket-42-assign',
    });
    expect(other.status).toBe(400);
  });

  it('the same businessKey started 10 times at once creates one case', async () => {
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        srv.api.post('/api/instances', {
          pack: 'national',
          procedure: 'grid-event',
          data: gridData,
          businessKey: '12345-2025-000001',
        }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
  });
});
