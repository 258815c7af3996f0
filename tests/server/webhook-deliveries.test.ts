/**
 * Webhooks as an integrator uses them: subscribing to its own packs, event names checked against what the
 * procedures emit, destinations outside the allowed addresses refused, deliveries in the order of the case's history
 * after a failure, timestamped signatures, onBehalfOf and the request id passed on, dead deliveries kept, listed
 * and redelivered, the `cancelled` event.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { server, tempDir, until, gridData } from './helpers';

interface Received {
  body: string;
  json: any;
  headers: IncomingHttpHeaders;
  answered: number;
}

function receiver(answer: (n: number, body: any) => number) {
  const got: Received[] = [];
  const http: Server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const json = JSON.parse(body);
    const status = answer(got.length, json);
    got.push({ body, json, headers: req.headers, answered: status });
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
const SECRET = 'hotline-secret-示例';
const dispatcher = { roles: ['dispatcher'] };

describe('subscriptions', () => {
  it('an integrator subscribes for its own packs only, and sees only its subscriptions', async () => {
    const srv = await server();
    cleanup.push(() => srv.close());
    const t = (
      await srv.api.post('/api/admin/tokens', {
        subject: '南昌12345(示例)',
        roles: ['integrator'],
        packs: ['nanchang-county'],
      })
    ).body.token;
    const hotline = srv.api.as(t);
    const mine = await hotline.post('/api/webhooks', {
      url: 'http://127.0.0.1:9/x',
      pack: 'nanchang-county',
      events: ['transition', 'cancelled'],
      secret: SECRET,
    });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({
      pack: 'nanchang-county',
      createdBy: '南昌12345(示例)',
      createdAt: expect.stringMatching(/\+08:00$/),
    });
    expect(
      (
        await hotline.post('/api/webhooks', {
          url: 'http://127.0.0.1:9/x',
          pack: 'national',
          events: ['transition'],
          secret: SECRET,
        })
      ).status,
    ).toBe(404);
    expect(
      (await hotline.post('/api/webhooks', { url: 'http://127.0.0.1:9/x', events: ['transition'], secret: SECRET }))
        .status,
    ).toBe(403);
    await srv.api.post('/api/webhooks', { url: 'http://127.0.0.1:9/y', events: ['transition'], secret: SECRET });
    expect((await hotline.get('/api/webhooks')).body.map((w: { id: string }) => w.id)).toEqual([mine.body.id]);
    expect((await srv.api.get('/api/webhooks')).body).toHaveLength(2);
    const mediator = (
      await srv.api.post('/api/admin/tokens', { subject: 'm', roles: ['mediator'], packs: ['nanchang-county'] })
    ).body.token;
    expect((await srv.api.as(mediator).get('/api/webhooks')).status).toBe(403);
    expect((await hotline.del(`/api/webhooks/${mine.body.id}`)).status).toBe(204);
  });

  it('an event name no procedure in scope can produce is 422 INVALID_WEBHOOK', async () => {
    const srv = await server();
    cleanup.push(() => srv.close());
    const typo = await srv.api.post('/api/webhooks', {
      url: 'http://127.0.0.1:9/x',
      pack: 'national',
      events: ['effect:court.handof'],
      secret: SECRET,
    });
    expect(typo.status).toBe(422);
    expect(typo.body.error).toMatchObject({ code: 'INVALID_WEBHOOK', details: [{ path: '/events/0' }] });
    // court.handoff is emitted by dispute-mediation, not by grid-event
    expect(
      (
        await srv.api.post('/api/webhooks', {
          url: 'http://127.0.0.1:9/x',
          pack: 'national',
          procedure: 'grid-event',
          events: ['effect:court.handoff'],
          secret: SECRET,
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await srv.api.post('/api/webhooks', {
          url: 'http://127.0.0.1:9/x',
          pack: 'national',
          procedure: 'dispute-mediation',
          events: ['effect:court.handoff'],
          secret: SECRET,
        })
      ).status,
    ).toBe(201);
    expect(srv.deps.subscriptions.all()).toHaveLength(1);
  });

  it('refuses loopback, private and link-local destinations unless GONGZHI_WEBHOOK_ALLOW allows them', async () => {
    const srv = await server({ webhookAllow: '' });
    cleanup.push(() => srv.close());
    for (const url of [
      'http://127.0.0.1:8080/x',
      'http://localhost/x',
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest',
      'http://[::1]/x',
      'http://192.168.0.7/x',
    ]) {
      const r = await srv.api.post('/api/webhooks', { url, events: ['transition'], secret: SECRET });
      expect(r.status, url).toBe(422);
      expect(r.body.error.details[0].path).toBe('/url');
    }
    const allowed = await server({ webhookAllow: '10.0.0.0/8' });
    cleanup.push(() => allowed.close());
    expect(
      (await allowed.api.post('/api/webhooks', { url: 'http://10.1.2.3/x', events: ['transition'], secret: SECRET }))
        .status,
    ).toBe(201);
    expect(
      (await allowed.api.post('/api/webhooks', { url: 'http://192.168.0.7/x', events: ['transition'], secret: SECRET }))
        .status,
    ).toBe(422);
  });

  it('checks the address again when delivering (a subscription made while allowed cannot reach loopback later)', async () => {
    const rx = await receiver(() => 204);
    cleanup.push(rx.close);
    const dataDir = tempDir();
    const srv = await server({ dataDir });
    await srv.api.post('/api/webhooks', { url: rx.url, events: ['transition'], secret: SECRET });
    await srv.close();
    // the operator then withdraws the allowance
    const strict = await server({ dataDir, webhookAllow: '', webhookRetryBaseMs: 5, webhookMaxAttempts: 2 });
    cleanup.push(() => strict.close());
    const c = await strict.api.start('national', 'grid-event', gridData);
    await strict.deps.outbox.idle();
    expect(rx.got).toHaveLength(0);
    const dead = (await strict.api.get(`/api/webhooks/${strict.deps.subscriptions.all()[0].id}/deliveries?status=dead`))
      .body;
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ instance: c.id, attempts: 2, lastError: expect.stringContaining('not allowed') });
  });
});

describe('deliveries', () => {
  it('arrive in the order of the case’s history after a failed attempt, signed with a timestamp, carrying onBehalfOf and the request id', async () => {
    let failed = false;
    const rx = await receiver((_, body) => {
      if (body.transition?.type === 'START' && !failed) {
        failed = true;
        return 503;
      }
      return 204;
    });
    cleanup.push(rx.close);
    const srv = await server({ webhookRetryBaseMs: 40 });
    cleanup.push(() => srv.close());
    await srv.api.post('/api/webhooks', { url: rx.url, pack: 'national', events: ['transition'], secret: SECRET });
    const c = await srv.api.start('national', 'grid-event', gridData);
    await srv.api.event(
      c.id,
      'ASSIGN',
      { unit: '示例单位' },
      { ...dispatcher, subject: '话务员 王五(示例)' },
      { 'x-request-id': 'hotline-req-42' },
    );
    await srv.api.event(c.id, 'RETURN', { reason: '非本单位职责(示例)' }, { roles: ['unit'] });
    await until(() => rx.got.filter((g) => g.answered === 204).length >= 3, 10_000, 'three deliveries');
    const ok = rx.got.filter((g) => g.answered === 204);
    expect(ok.map((g) => g.json.transition.type)).toEqual(['START', 'ASSIGN', 'RETURN']);
    expect(rx.got[0]).toMatchObject({ answered: 503 });
    expect(rx.got[0].headers['idempotency-key']).toBe(ok[0].headers['idempotency-key']);
    for (const g of ok) {
      const ts = String(g.headers['gongzhi-timestamp']);
      expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(300);
      expect(g.headers['gongzhi-signature']).toBe(
        `sha256=${createHmac('sha256', SECRET).update(g.body).digest('hex')}`,
      );
      expect(g.headers['gongzhi-signature-timestamped']).toBe(
        `sha256=${createHmac('sha256', SECRET).update(`${ts}.${g.body}`).digest('hex')}`,
      );
      expect(g.json.at).toMatch(/\+08:00$/);
    }
    expect(ok[1].json.transition.actor).toEqual({
      subject: 'admin',
      roles: ['dispatcher'],
      onBehalfOf: '话务员 王五(示例)',
    });
    expect(ok[1].headers['x-request-id']).toBe('hotline-req-42');
    expect(ok[0].headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('after the last attempt a delivery is dead, kept, listed with its attempts and error, and can be redelivered', async () => {
    let up = false;
    const rx = await receiver(() => (up ? 200 : 500));
    cleanup.push(rx.close);
    const srv = await server({ webhookRetryBaseMs: 5, webhookMaxAttempts: 3 });
    cleanup.push(() => srv.close());
    const hook = (await srv.api.post('/api/webhooks', { url: rx.url, events: ['transition'], secret: SECRET })).body;
    const c = await srv.api.start('national', 'grid-event', gridData);
    await srv.deps.outbox.idle();
    expect(rx.got).toHaveLength(3);
    const list = (await srv.api.get(`/api/webhooks/${hook.id}/deliveries`)).body;
    expect(list).toEqual([
      expect.objectContaining({
        instance: c.id,
        type: 'transition',
        status: 'dead',
        attempts: 3,
        lastError: 'HTTP 500',
        deliveredAt: null,
      }),
    ]);
    expect((await srv.api.get(`/api/webhooks/${hook.id}/deliveries?status=delivered`)).body).toEqual([]);
    expect(await srv.deps.store.outbox.ofCase(c.id)).toEqual([
      expect.objectContaining({ status: 'dead', attempts: 3 }),
    ]);
    up = true;
    const again = await srv.api.post(`/api/webhooks/${hook.id}/deliveries/${list[0].id}/redeliver`);
    expect(again.status).toBe(202);
    await until(() => rx.got.some((g) => g.answered === 200), 5_000, 'redelivery');
    await srv.deps.outbox.idle();
    await until(
      async () => (await srv.api.get(`/api/webhooks/${hook.id}/deliveries?status=delivered`)).body.length === 1,
      5_000,
      'listed as delivered',
    );
    expect(rx.got.at(-1)!.headers['idempotency-key']).toBe(list[0].id);
    expect((await srv.deps.store.outbox.ofCase(c.id)).filter((r) => r.status !== 'delivered')).toEqual([]);
    expect((await srv.api.get(`/api/webhooks/${hook.id}/deliveries?status=dead`)).body).toEqual([]);
    expect((await srv.api.post(`/api/webhooks/${hook.id}/deliveries/dnope/redeliver`)).status).toBe(404);
  });

  it('a cancelled case sends `cancelled` with who and why', async () => {
    const rx = await receiver(() => 204);
    cleanup.push(rx.close);
    const srv = await server();
    cleanup.push(() => srv.close());
    await srv.api.post('/api/webhooks', { url: rx.url, pack: 'national', events: ['cancelled'], secret: SECRET });
    const c = await srv.api.start('national', 'grid-event', gridData);
    await srv.api.post(`/api/instances/${c.id}/cancel`, {
      reason: '来电人撤回(示例)',
      actor: { subject: '话务员 王五(示例)' },
    });
    await until(() => rx.got.length >= 1, 5_000, 'the cancelled delivery');
    expect(rx.got).toHaveLength(1);
    expect(rx.got[0].json).toMatchObject({
      type: 'cancelled',
      instance: { id: c.id, status: 'cancelled' },
      cancelled: { reason: '来电人撤回(示例)', by: 'admin', actor: { onBehalfOf: '话务员 王五(示例)' } },
    });
  });
});
