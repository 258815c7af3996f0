/**
 * Many processes on one PostgreSQL database behave as one server, even when they die. Three server processes share
 * a database; 20 clients send events to any of them; one process at a time is killed with SIGKILL at random moments
 * (10 trials, one of them while deadlines are firing) and started again. Afterwards every acknowledged event is in
 * its case's history, every deadline that fell due fired exactly once, and every webhook delivery was made until
 * acknowledged, never attempted by two processes at once. The figures are printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { client, tempDir, mediationData, gridData, ADMIN, until } from './helpers';
import { freshDatabase } from '../support/pg';

const children = new Set<ChildProcess>();
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const f of closers.reverse()) await f().catch(() => undefined);
});

interface Proc {
  child: ChildProcess;
  url: string;
  alive: boolean;
}

function launch(pgUrl: string): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/server/fixtures/child-server.ts'], {
      env: {
        ...process.env,
        DATA_DIR: tempDir('gongzhi-mp-'),
        GONGZHI_ADMIN_TOKEN: ADMIN,
        GONGZHI_CONTROLLED_CLOCK: '1',
        GONGZHI_NOW: '2025-09-01T09:00:00+08:00',
        GONGZHI_STORE: 'postgres',
        GONGZHI_PG_URL: pgUrl,
        GONGZHI_TIMER_LEASE_MS: '2000',
        GONGZHI_DELIVERY_LEASE_MS: '3000',
        GONGZHI_WEBHOOK_RETRY_MS: '200',
        GONGZHI_WEBHOOK_ALLOW: '127.0.0.0/8',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let out = '';
    let err = '';
    const proc: Proc = { child, url: '', alive: false };
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m && !proc.alive) {
        proc.url = m[1];
        proc.alive = true;
        resolve(proc);
      }
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      proc.alive = false;
      children.delete(child);
      reject(new Error(`server exited (${code}) before READY: ${err}`));
    });
  });
}

/** A webhook receiver: answers 200 after a moment, counts attempts per delivery and attempts overlapping in time. */
async function receiver() {
  const attempts = new Map<string, number>();
  const inFlight = new Map<string, number>();
  let overlapping = 0;
  const srv: Server = createServer((req: IncomingMessage, res) => {
    const id = String(req.headers['idempotency-key']);
    req.resume();
    req.on('end', () => {
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      const n = (inFlight.get(id) ?? 0) + 1;
      inFlight.set(id, n);
      if (n > 1) overlapping++;
      setTimeout(() => {
        inFlight.set(id, inFlight.get(id)! - 1);
        res.writeHead(200).end();
      }, 5);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise((r) => srv.close(() => r())));
  return {
    url: `http://127.0.0.1:${(srv.address() as { port: number }).port}/hook`,
    attempts,
    overlapping: () => overlapping,
  };
}

interface Ack {
  id: string;
  rev: number;
  type: string;
}

describe('three server processes on one PostgreSQL database, one killed at random moments', () => {
  it(
    'lose no acknowledged event, fire every deadline once, and deliver every webhook',
    { timeout: 240_000 },
    async () => {
      const db = await freshDatabase('multiprocess');
      closers.push(() => db.drop());
      const rx = await receiver();
      const procs: Proc[] = [await launch(db.url)];
      procs.push(...(await Promise.all([launch(db.url), launch(db.url)])));
      const any = () => {
        const live = procs.filter((p) => p.alive);
        if (!live.length) throw new Error('no live process');
        return client(live[Math.floor(Math.random() * live.length)].url);
      };
      expect(
        (
          await any().post('/api/webhooks', {
            url: rx.url,
            events: ['transition', 'deadline'],
            secret: 'a-secret-of-sixteen+',
          })
        ).status,
      ).toBe(201);
      const mediation: string[] = [];
      for (let i = 0; i < 30; i++)
        mediation.push((await any().start('national', 'dispute-mediation', mediationData)).id);
      const grid: { id: string; state: string }[] = [];
      for (let i = 0; i < 20; i++) {
        const g = await any().start('national', 'grid-event', gridData);
        grid.push({ id: g.id, state: g.state });
      }

      // 20 clients, each on any live process, sending the grid loop's events
      const acks: Ack[] = [];
      let refused = 0;
      let failed = 0;
      let stop = false;
      const clientLoop = async (w: number) => {
        for (let i = 0; !stop; i++) {
          const c = grid[(w + i) % grid.length];
          const assign = c.state === 'dispatch';
          try {
            const api = any();
            const r = await api.event(
              c.id,
              assign ? 'ASSIGN' : 'RETURN',
              assign ? { unit: `示例单位${w}`, designated: false } : { reason: `示例${w}` },
              { roles: [assign ? 'dispatcher' : 'unit'] },
            );
            if (r.status === 200) {
              acks.push({ id: c.id, rev: r.body.rev, type: assign ? 'ASSIGN' : 'RETURN' });
              c.state = r.body.state;
            } else {
              refused++; // another client moved the case first
              c.state = (await api.get(`/api/instances/${c.id}`)).body.state ?? c.state;
            }
          } catch {
            failed++; // the process died under this request: it was never acknowledged
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      };
      const clients = Array.from({ length: 20 }, (_, w) => clientLoop(w));

      // 10 trials: kill a random process at a random moment, start a new one; trial 4 kills while deadlines fire
      const trials = 10;
      const restarts: Promise<void>[] = [];
      const done = new Set<Promise<void>>();
      for (let t = 0; t < trials; t++) {
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 700));
        // never the last live process: wait for a restart when only one is up
        while (procs.filter((p) => p.alive).length < 2) await Promise.race(restarts.filter((r) => !done.has(r)));
        const live = procs.filter((p) => p.alive);
        const victim = live[Math.floor(Math.random() * live.length)];
        if (t === 3) {
          void client(victim.url)
            .clock('2025-11-01T09:00:00+08:00')
            .catch(() => undefined);
          await new Promise((r) => setTimeout(r, 30 + Math.random() * 100));
        }
        victim.alive = false;
        victim.child.kill('SIGKILL');
        const restart: Promise<void> = launch(db.url).then((p) => {
          procs[procs.indexOf(victim)] = p;
          done.add(restart);
        });
        restarts.push(restart);
      }
      await Promise.all(restarts);
      stop = true;
      await Promise.all(clients);

      // the clock is where trial 4 put it; any process finishes what is still due, and deliveries drain
      const settle = await any().clock('2025-11-01T09:00:00+08:00');
      expect(settle.status).toBe(200);
      const sql = new pg.Client({ connectionString: db.url });
      sql.on('error', () => undefined);
      await sql.connect();
      closers.push(() => sql.end());
      const outboxLeft = async () =>
        Number((await sql.query("SELECT count(*) AS n FROM gz_outbox WHERE status <> 'delivered'")).rows[0].n);
      await until(async () => (await outboxLeft()) === 0, 60_000, 'every delivery to be made');

      // every acknowledged event is in its case's history, at its revision
      let lost = 0;
      const histories = new Map<string, { seq: number; type: string }[]>();
      for (const id of [...grid.map((g) => g.id), ...mediation])
        histories.set(id, (await any().get(`/api/instances/${id}/history`)).body);
      for (const a of acks) {
        const e = histories.get(a.id)![a.rev - 1];
        if (!e || e.seq !== a.rev || e.type !== a.type) lost++;
      }
      for (const h of histories.values()) expect(h.map((e) => e.seq)).toEqual(h.map((_, i) => i + 1));
      // every mediation deadline fell due: each fired exactly once
      const expiries = mediation.map((id) => histories.get(id)!.filter((e) => e.type === 'MEDIATION_EXPIRED').length);
      const once = expiries.filter((n) => n === 1).length;
      const twice = expiries.filter((n) => n > 1).length;
      const never = expiries.filter((n) => n === 0).length;
      // every delivery row was delivered, and the receiver saw each of them
      const rows = (await sql.query('SELECT id, status, attempts FROM gz_outbox')).rows as {
        id: string;
        status: string;
        attempts: number;
      }[];
      const missing = rows.filter((r) => !rx.attempts.has(r.id)).length;
      const repeated = [...rx.attempts.values()].filter((n) => n > 1).length;

      console.log(
        [
          '',
          '多进程故障测试 / multi-process kill test (3 processes, 1 PostgreSQL database, 20 clients):',
          `  trials (SIGKILL + restart): ${trials}`,
          `  events acknowledged: ${acks.length} · lost: ${lost} · refused (state moved by another client): ${refused} · cut off by a kill (never acknowledged): ${failed}`,
          `  deadlines due: ${mediation.length} · fired once: ${once} · twice: ${twice} · never: ${never}`,
          `  webhook deliveries: ${rows.length} · delivered: ${rows.filter((r) => r.status === 'delivered').length} · never received: ${missing} · received more than once (at least once, after a kill): ${repeated} · attempted by two processes at once: ${rx.overlapping()}`,
        ].join('\n'),
      );
      expect(acks.length).toBeGreaterThan(100);
      expect(lost).toBe(0);
      expect({ once, twice, never }).toEqual({ once: mediation.length, twice: 0, never: 0 });
      expect(rows.length).toBeGreaterThan(mediation.length * 3);
      expect(rows.every((r) => r.status === 'delivered')).toBe(true);
      expect(missing).toBe(0);
      expect(rx.overlapping()).toBe(0);
      for (const p of procs) p.child.kill('SIGTERM');
    },
  );
});
