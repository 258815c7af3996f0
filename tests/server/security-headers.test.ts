/**
 * The security headers are computed once from helmet at start (server/http/security.ts): every answer must carry
 * exactly what helmet itself, run per request through koa-helmet with the same options, sets — and only that.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import koaHelmet from 'koa-helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_OPTIONS, helmetHeaders, securityHeaders } from '../../server/http/security';

const servers: Server[] = [];
async function serve(mw: Koa.Middleware, fail = false): Promise<string> {
  const app = new Koa();
  app.use(mw);
  app.use((ctx) => {
    if (fail) ctx.throw(418, 'no');
    ctx.body = { ok: true };
  });
  const s = createServer(app.callback());
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** The headers of an answer, less those of the connection and the body. */
async function headersOf(url: string): Promise<Record<string, string>> {
  const r = await fetch(url);
  await r.text();
  const h = Object.fromEntries(r.headers.entries());
  for (const k of ['date', 'connection', 'keep-alive', 'content-length', 'content-type']) delete h[k];
  return h;
}

describe('security headers computed once', () => {
  let reference: string;
  let ours: string;
  beforeAll(async () => {
    reference = await serve(koaHelmet(SECURITY_OPTIONS) as Koa.Middleware);
    ours = await serve(securityHeaders());
  });

  it('are the headers helmet sets on each request, on success and on error', async () => {
    const want = await headersOf(reference);
    expect(Object.keys(want).length).toBeGreaterThan(8);
    expect(want['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(await headersOf(ours)).toEqual(want);
    const failing = [
      await serve(koaHelmet(SECURITY_OPTIONS) as Koa.Middleware, true),
      await serve(securityHeaders(), true),
    ];
    expect(await headersOf(failing[1])).toEqual(await headersOf(failing[0]));
  });

  it('follow the options: a change there changes them', () => {
    const strict = helmetHeaders({
      contentSecurityPolicy: SECURITY_OPTIONS.contentSecurityPolicy,
      strictTransportSecurity: false,
      referrerPolicy: { policy: 'same-origin' },
      xFrameOptions: false,
    });
    const names = strict.set.map(([k]) => k.toLowerCase());
    expect(strict.set.find(([k]) => k.toLowerCase() === 'referrer-policy')?.[1]).toBe('same-origin');
    expect(names).not.toContain('x-frame-options');
    expect(strict.remove).toContain('x-powered-by');
  });
});
