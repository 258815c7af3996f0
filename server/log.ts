/**
 * Structured logs: JSON lines with pino (level, time in +08:00, message, and the request id where there is one).
 * Every request is logged once with its id, method, path, status and duration; the request id is taken from the
 * caller's `X-Request-Id` (when it is a sane token) or made, and answered in `X-Request-Id`.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import { pino, type DestinationStream, type Logger } from 'pino';
import { iso } from './time/iso';
import type { Metrics } from './metrics';

export type { Logger };

export function createLogger(opts: { silent?: boolean; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.silent ? 'silent' : (process.env.GONGZHI_LOG_LEVEL ?? 'info'),
      base: { service: 'gongzhi' },
      timestamp: () => `,"time":"${iso(new Date())}"`,
    },
    opts.destination ?? pino.destination(2),
  );
}

/** The plain-text log function the server's parts use, on the structured logger: ✗ lines are errors, ! warnings. */
export function textLog(logger: Logger): (msg: string) => void {
  return (msg) => {
    if (msg.startsWith('✗')) logger.error(msg);
    else if (msg.startsWith('!')) logger.warn(msg);
    else logger.info(msg);
  };
}

const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function requestContext(logger: Logger, metrics: Metrics) {
  return async (ctx: Context, next: Next) => {
    const given = ctx.get('x-request-id');
    const id = REQUEST_ID.test(given) ? given : randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    const t0 = performance.now();
    try {
      await next();
    } finally {
      const ms = performance.now() - t0;
      const matched = (ctx as Context & { _matchedRoute?: string })._matchedRoute;
      const route = typeof matched === 'string' ? matched : ctx.path.startsWith('/api/') ? 'unmatched' : 'designer';
      metrics.request(ctx.method, route, String(ctx.status), ms / 1000);
      // a silent logger (the benchmarks, tests) is not handed an object it drops
      if (logger.isLevelEnabled('info'))
        logger.info(
          {
            reqId: id,
            method: ctx.method,
            path: ctx.path,
            status: ctx.status,
            ms: Math.round(ms * 10) / 10,
            subject: ctx.state.auth?.subject,
          },
          'request',
        );
    }
  };
}
