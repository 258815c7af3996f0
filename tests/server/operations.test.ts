/**
 * Running Gongzhi: Prometheus metrics for a metrics token, structured request logs, a clear message for a port in
 * use, a package-lock.json that `npm install` has no reason to rewrite, and READMEs that link only files in the
 * repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ListenError, startServer } from '../../server/app';
import { createLogger } from '../../server/log';
import { server, tempDir, gridData } from './helpers';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

/** The value of a sample line `name{labels} value` (summed over the lines that contain every fragment). */
function sample(text: string, name: string, ...fragments: string[]): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && fragments.every((f) => l.includes(f)))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('GET /metrics', () => {
  it('answers a metrics or admin token with Prometheus text whose counters move with the traffic', async () => {
    const srv = await server();
    open.push(srv);
    const t = (await srv.api.post('/api/admin/tokens', { subject: 'prometheus', roles: ['metrics'], packs: [] })).body
      .token;
    const scrape = async () => {
      const r = await srv.api.as(t).get('/metrics');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
      return r.body as string;
    };
    const before = await scrape();
    const c = await srv.api.start('national', 'grid-event', gridData);
    await srv.api.event(c.id, 'ASSIGN', { unit: '示例单位' }, { roles: ['dispatcher'] });
    await srv.api.event(c.id, 'RATE', { satisfied: true }, { roles: ['dispatcher'] }); // refused: not allowed now
    const after = await scrape();
    const steps = (s: string) => sample(s, 'gongzhi_steps_total', 'pack="national"', 'procedure="grid-event"');
    expect(steps(after) - steps(before)).toBe(2);
    expect(sample(after, 'gongzhi_refusals_total', 'code="EVENT_NOT_ALLOWED"')).toBe(1);
    expect(
      sample(after, 'gongzhi_http_requests_total', 'route="/api/instances"', 'method="POST"', 'status="201"'),
    ).toBe(1);
    expect(sample(after, 'gongzhi_step_duration_seconds_count', 'procedure="grid-event"')).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'gongzhi_store_write_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'gongzhi_cases_open', 'pack="national"', 'procedure="grid-event"')).toBe(1);
    expect(after).toMatch(/^gongzhi_timers_due \d+/m);
    expect(after).toMatch(/^gongzhi_outbox_pending 0/m);
    expect(after).toMatch(/^gongzhi_outbox_dead 0/m);
    expect(after).toMatch(/^gongzhi_cases_overdue\{/m);
    expect(after).toMatch(/^# TYPE gongzhi_timer_lag_seconds histogram/m);
    expect(after).toMatch(/^# TYPE gongzhi_webhook_delivery_latency_seconds histogram/m);
    // the process's own measures, named once
    expect(after).toMatch(/^gongzhi_process_cpu_seconds_total /m);
    expect(after).toMatch(/^gongzhi_nodejs_eventloop_lag_seconds /m);
    expect(after).not.toContain('process_process');
    // deadlines fired by the clock show as fired, with their lag
    await srv.api.clock('2025-12-31T09:00:00+08:00');
    expect(sample(await scrape(), 'gongzhi_timers_fired_total')).toBeGreaterThanOrEqual(1);
  });

  it('is 403 for other tokens and 401 without one (not the designer page)', async () => {
    const srv = await server();
    open.push(srv);
    const t = (await srv.api.post('/api/admin/tokens', { subject: 'm', roles: ['mediator'], packs: '*' })).body.token;
    expect((await srv.api.as(t).get('/metrics')).status).toBe(403);
    const anon = await srv.api.as('').get('/metrics');
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('UNAUTHORIZED');
    expect((await srv.api.get('/metrics')).status).toBe(200);
  });
});

describe('structured logs', () => {
  it('log each request as one JSON line with its request id, status and time in +08:00', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _e, cb) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        cb();
      },
    });
    const logger = createLogger({ destination: sink });
    const srv = await server({ logger, log: undefined });
    open.push(srv);
    await srv.api.get('/api/packs', { 'x-request-id': 'court-trace-9' });
    const line = lines.find((l) => l.reqId === 'court-trace-9');
    expect(line).toMatchObject({
      msg: 'request',
      method: 'GET',
      path: '/api/packs',
      status: 200,
      subject: 'admin',
      level: 30,
    });
    expect(typeof line!.ms).toBe('number');
    expect(line!.time).toMatch(/\+08:00$/);
  });

  it('the server’s logger writes JSON lines with times in +08:00', () => {
    const out: string[] = [];
    createLogger({
      destination: new Writable({
        write(c, _e, cb) {
          out.push(String(c));
          cb();
        },
      }),
    }).info('示例');
    expect(JSON.parse(out[0])).toMatchObject({
      level: 30,
      service: 'gongzhi',
      msg: '示例',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+\+08:00$/),
    });
  });
});

describe('a port in use', () => {
  it('is refused with a bilingual message naming the port and what to do', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startServer({
        port,
        dataDir: tempDir(),
        packsDir: 'configs/packs',
        adminToken: 'x',
        quiet: true,
        log: () => {},
        fsync: false,
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ListenError);
      expect((err as Error).message).toContain(`端口 ${port} 已被占用`);
      expect((err as Error).message).toContain(`Port ${port} is already in use`);
      expect((err as Error).message).toContain('PORT=');
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});

describe('the repository', () => {
  it('package-lock.json agrees with package.json, so `npm install` has nothing to rewrite', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const root = JSON.parse(readFileSync('package-lock.json', 'utf8')).packages[''];
    for (const k of ['name', 'version', 'dependencies', 'devDependencies', 'engines'])
      expect(root[k], k).toEqual(pkg[k]);
    // npm writes bin paths without a leading ./
    const bin = (b: Record<string, string>) =>
      Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.replace(/^\.\//, '')]));
    expect(bin(root.bin)).toEqual(bin(pkg.bin));
  });

  it('READMEs link only files that are in the repository', () => {
    const files = ['README.md', 'server/README.md', 'server/API.md', 'designer/README.md', 'engine/FORMAT.md'].filter(
      (f) => existsSync(f),
    );
    expect(files).toContain('server/API.md');
    const broken: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)|`(\.\.\/[^`]+)`/g)) {
        const target = m[1] ?? m[3];
        if (/^[a-z]+:/i.test(target)) continue; // a URL
        const path = resolve(dirname(f), target);
        if (!path.startsWith(resolve('.')) || !existsSync(path)) broken.push(`${f}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
    expect(readFileSync('README.md', 'utf8')).toContain('server/API.md');
    expect(existsSync(join('server', 'API.md'))).toBe(true);
  });
});
