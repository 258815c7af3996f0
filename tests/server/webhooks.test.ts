/**
 * Webhooks: the mediation procedure's court.handoff effect reaches a subscribed receiver with the case file, signed
 * (HMAC-SHA256 of the raw body), with the same Idempotency-Key on every attempt — after one failed delivery, and
 * across a restart of the server (the outbox is stored with the step).
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { server, tempDir, until, mediationData } from './helpers';

interface Received {
  body: string;
  headers: Record<string, string | string[] | undefined>;
  answered: number;
}

function receiver(answer: (n: number, body: any) => number) {
  const got: Received[] = [];
  const http: Server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const status = answer(got.length, JSON.parse(body));
    got.push({ body, headers: req.headers, answered: status });
    res.writeHead(status).end();
  });
  return new Promise<{ url: string; got: Received[]; close(): Promise<void> }>((resolve) => {
    http.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/hook`,
        got,
        close: () =>
          new Promise<void>((r) => {
            http.closeAllConnections();
            http.close(() => r());
          }),
      }),
    );
  });
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

const SECRET = 'court-secret-示例';

describe('webhooks', () => {
  it('deliver court.handoff with the case file after one failed delivery, signed, same idempotency key', async () => {
    let failedOnce = false;
    const rx = await receiver((_, body) => {
      if (body.type === 'effect:court.handoff' && !failedOnce) {
        failedOnce = true;
        return 500;
      }
      return 204;
    });
    cleanup.push(rx.close);
    const srv = await server({ webhookRetryBaseMs: 30 });
    cleanup.push(() => srv.close());
    const sub = await srv.api.post('/api/webhooks', {
      url: rx.url,
      pack: 'national',
      procedure: 'dispute-mediation',
      events: ['effect:court.handoff', 'transition'],
      secret: SECRET,
    });
    expect(sub.status).toBe(201);
    expect(sub.body.secret).toBeUndefined();

    const c = await srv.api.start('national', 'dispute-mediation', mediationData);
    const failed = await srv.api.event(c.id, 'MEDIATION_FAILED', { reason: '双方分歧较大(示例)' });
    expect(failed.body.state).toBe('fastTrackCourt.filing');

    const handoffs = await until(
      () => {
        const h = rx.got.filter((g) => JSON.parse(g.body).type === 'effect:court.handoff');
        return h.length >= 2 ? h : null;
      },
      10_000,
      'court.handoff to be retried',
    );
    expect(handoffs.map((h) => h.answered)).toEqual([500, 204]);
    expect(handoffs[0].headers['idempotency-key']).toBe(handoffs[1].headers['idempotency-key']);
    for (const h of handoffs) {
      const expected = `sha256=${createHmac('sha256', SECRET).update(h.body).digest('hex')}`;
      expect(h.headers['gongzhi-signature']).toBe(expected);
    }
    const body = JSON.parse(handoffs[1].body);
    expect(body).toMatchObject({
      type: 'effect:court.handoff',
      instance: { id: c.id, state: 'fastTrackCourt.filing' },
    });
    // the case file carries the parties as started, each with the id the engine gave it (p1, p2, …)
    expect(body.effect.data.parties).toEqual(mediationData.parties.map((p, i) => ({ id: `p${i + 1}`, ...p })));
    expect(body.effect.data.mediationFailure.reason).toBe('双方分歧较大(示例)');
    expect(body.transition).toMatchObject({ type: 'MEDIATION_FAILED', from: 'mediation', to: 'fastTrackCourt.filing' });

    // transitions were delivered too (start and the failure), and nothing is left in the case's outbox
    await srv.deps.outbox.idle();
    const types = rx.got.filter((g) => g.answered === 204).map((g) => JSON.parse(g.body).transition?.type);
    expect(types).toEqual(expect.arrayContaining(['START', 'MEDIATION_FAILED']));
    expect((await srv.deps.store.outbox.ofCase(c.id)).filter((r) => r.status !== 'delivered')).toEqual([]);
  });

  it('keep undelivered rows across a restart and deliver them when the server is back', async () => {
    let up = false;
    const rx = await receiver(() => (up ? 200 : 503));
    cleanup.push(rx.close);
    const dataDir = tempDir();
    // the retry back-off is kept by stores that keep attempts (PostgreSQL): short enough to be waited for
    const first = await server({ dataDir, webhookRetryBaseMs: 2_000 });
    await first.api.post('/api/webhooks', { url: rx.url, events: ['effect:court.handoff'], secret: SECRET });
    const c = await first.api.start('national', 'dispute-mediation', { ...mediationData, partiesConsent: false });
    expect(c.state).toBe('fastTrackCourt.filing');
    await until(() => rx.got.length >= 1, 5_000, 'a first (failed) attempt');
    expect((await first.deps.store.outbox.ofCase(c.id)).filter((r) => r.status === 'pending')).toHaveLength(1);
    await first.close();

    up = true;
    const second = await server({ dataDir, webhookRetryBaseMs: 30 });
    cleanup.push(() => second.close());
    await until(() => rx.got.some((g) => g.answered === 200), 15_000, 'delivery after restart');
    const ok = rx.got.filter((g) => g.answered === 200).map((g) => JSON.parse(g.body));
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({ type: 'effect:court.handoff', instance: { id: c.id } });
    expect(rx.got[0].headers['idempotency-key']).toBe(rx.got[rx.got.length - 1].headers['idempotency-key']);
    await second.deps.outbox.idle();
    expect((await second.deps.store.outbox.ofCase(c.id)).filter((r) => r.status !== 'delivered')).toEqual([]);
  });

  it('mark a delivery dead after its last attempt and keep it in the case for inspection', async () => {
    const rx = await receiver(() => 500);
    cleanup.push(rx.close);
    const srv = await server({ webhookRetryBaseMs: 5, webhookMaxAttempts: 3 });
    cleanup.push(() => srv.close());
    await srv.api.post('/api/webhooks', { url: rx.url, events: ['transition'], secret: SECRET });
    const c = await srv.api.start('national', 'dispute-mediation', mediationData);
    await srv.deps.outbox.idle();
    expect(rx.got).toHaveLength(3);
    const rows = await srv.deps.store.outbox.ofCase(c.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'dead', attempts: 3, lastError: 'HTTP 500' });
  });

  it('refuse a subscription with a bad URL, event name or short secret (400), and non-admins (403)', async () => {
    const srv = await server();
    cleanup.push(() => srv.close());
    const bad = await srv.api.post('/api/webhooks', { url: 'ftp://x', events: ['whatever'], secret: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['/url', '/events/0', '/secret']),
    );
    const t = (await srv.api.post('/api/admin/tokens', { subject: 'm', roles: ['mediator'], packs: ['national'] })).body
      .token;
    expect(
      (
        await srv.api
          .as(t)
          .post('/api/webhooks', { url: 'http://127.0.0.1/x', events: ['transition'], secret: '12345678' })
      ).status,
    ).toBe(403);
  });
});
