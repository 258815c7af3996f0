/**
 * Security headers on every answer, from helmet (through koa-helmet): a Content-Security-Policy the designer works
 * under, `Referrer-Policy: no-referrer`, `X-Content-Type-Options: nosniff`, framing refused, and the rest of
 * helmet's defaults. The server speaks plain HTTP on 127.0.0.1 by default, so it neither upgrades requests to HTTPS
 * nor sends HSTS (a TLS-terminating proxy in front adds those).
 *
 * The designer's needs: its own scripts and workers (the validation worker, elk's layout worker); `'unsafe-eval'`
 * because ajv compiles the procedure's JSON Schemas into functions (in the worker and for forms); inline style
 * attributes (React Flow positions nodes with them); `data:`/`blob:` images (the PNG export draws the SVG chart).
 */
import helmet from 'koa-helmet';

export function securityHeaders() {
  return helmet({
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
  });
}
