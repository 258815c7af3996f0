/**
 * Security headers on every answer, from helmet: a Content-Security-Policy the designer works under,
 * `Referrer-Policy: no-referrer`, `X-Content-Type-Options: nosniff`, framing refused, and the rest of helmet's
 * defaults. The server speaks plain HTTP on 127.0.0.1 by default, so it neither upgrades requests to HTTPS nor sends
 * HSTS (a TLS-terminating proxy in front adds those).
 *
 * The designer's needs: its own scripts and workers (the validation worker, elk's layout worker); `'unsafe-eval'`
 * because ajv compiles the procedure's JSON Schemas into functions (in the worker and for forms); inline style
 * attributes (React Flow positions nodes with them); `data:`/`blob:` images (the PNG export draws the SVG chart).
 *
 * These options give helmet nothing that depends on the request (no nonce, no function directive), so helmet's
 * middleware is run once, at start, against a recorder, and every answer gets the headers it set: the same bytes as
 * running helmet (through koa-helmet) on each request, without its chain of a dozen middlewares and a promise per
 * request on the hot path (bench/PROFILE.md).
 */
import type { Context, Next } from 'koa';
import helmet, { type HelmetOptions } from 'helmet';

export const SECURITY_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-eval'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      workerSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: false,
  crossOriginEmbedderPolicy: false,
};

/** What helmet's middleware does to an answer with `options`: the headers it sets and those it removes. */
export function helmetHeaders(options: Readonly<HelmetOptions>): { set: [string, string][]; remove: string[] } {
  const set = new Map<string, string>();
  const remove = new Set<string>();
  const res = {
    setHeader(name: string, value: unknown) {
      remove.delete(name.toLowerCase());
      set.set(name, String(value));
    },
    removeHeader(name: string) {
      for (const k of set.keys()) if (k.toLowerCase() === name.toLowerCase()) set.delete(k);
      remove.add(name.toLowerCase());
    },
  };
  let done = false;
  helmet(options)({} as never, res as never, (err?: unknown) => {
    if (err) throw err;
    done = true;
  });
  // helmet's middlewares are synchronous; one that was not would set headers this recorder never saw
  if (!done) throw new Error('helmet did not finish synchronously: its headers cannot be computed once');
  return { set: [...set], remove: [...remove] };
}

export function securityHeaders() {
  const { set, remove } = helmetHeaders(SECURITY_OPTIONS);
  return (ctx: Context, next: Next) => {
    const res = ctx.res;
    for (let i = 0; i < set.length; i++) res.setHeader(set[i][0], set[i][1]);
    for (let i = 0; i < remove.length; i++) res.removeHeader(remove[i]);
    return next();
  };
}
