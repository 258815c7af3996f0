/**
 * Issue 10, fault 11: a server that comes back after its cases' deadlines fell due listens first and fires them in
 * the background, in due order, each once — it does not keep every caller waiting until the last one has fired.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { client, tempDir, mediationData, ADMIN } from '../server/helpers';
import { report } from './figures';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

interface Launched {
  child: ChildProcess;
  url: string;
  atReady: number;
  overdue: Promise<number>;
}

/** A server process; `atReady` is how many expiries the journal held when it said it was listening. */
function launch(dataDir: string, controlled: boolean): Promise<Launched> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      DATA_DIR: dataDir,
      GONGZHI_ADMIN_TOKEN: ADMIN,
      GONGZHI_FSYNC: '0',
    };
    if (controlled) Object.assign(env, { GONGZHI_CONTROLLED_CLOCK: '1', GONGZHI_NOW: '2025-09-01T09:00:00+08:00' });
    else delete env.GONGZHI_CONTROLLED_CLOCK; // the system clock: every 2025 deadline is long past
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/server/fixtures/child-server.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    let settle: (n: number) => void;
    const overdue = new Promise<number>((r) => (settle = r));
    child.stdout!.on('data', (d) => {
      const before = out;
      out += d;
      const ready = /READY (\S+)/.exec(out);
      if (ready && !/READY/.test(before)) resolve({ child, url: ready[1], atReady: expiries(dataDir).length, overdue });
      const done = /OVERDUE (\d+)/.exec(out);
      if (done) settle(Number(done[1]));
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
}

/** The due times of the expiries in the journal, in the order they were written. */
function expiries(dataDir: string): string[] {
  const dir = join(dataDir, 'instances', '_journal');
  const out: string[] = [];
  for (const f of readdirSync(dir).sort((a, b) => parseInt(a) - parseInt(b))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line.includes('MEDIATION_EXPIRED')) continue;
      const l = JSON.parse(line) as {
        add?: { type: string; payload: { dueAt: string } }[];
        r?: { history: { type: string; payload: { dueAt: string } }[] };
      };
      for (const h of l.add ?? l.r?.history ?? []) if (h.type === 'MEDIATION_EXPIRED') out.push(h.payload.dueAt);
    }
  }
  return out;
}

describe('start-up with many deadlines already due', () => {
  it('listens before firing them, then fires each once, in due order', { timeout: 120_000 }, async () => {
    const dataDir = tempDir('gongzhi-startup-');
    let s = await launch(dataDir, true);
    let api = client(s.url);
    const ids: string[] = [];
    // cases opened on three days, so their deadlines fall due on three days
    for (const day of ['2025-09-01', '2025-09-02', '2025-09-03']) {
      if (day !== '2025-09-01') expect((await api.clock(`${day}T09:00:00+08:00`)).status).toBe(200);
      for (let i = 0; i < 80; i++) ids.push((await api.start('national', 'dispute-mediation', mediationData)).id);
    }
    const exited = new Promise((r) => s.child.once('exit', r));
    s.child.kill('SIGTERM');
    await exited;

    s = await launch(dataDir, false);
    api = client(s.url);
    const health = await api.get('/api/health');
    expect(health.status).toBe(200);
    expect(s.atReady, 'listening before the deadlines due at start are fired').toBeLessThan(ids.length / 2);
    await s.overdue; // (on the system clock the scheduler's own timer may have fired them: the journal tells)
    const order = expiries(dataDir);
    expect(order).toHaveLength(ids.length);
    expect(order, 'fired in due order').toEqual([...order].sort());
    for (const id of ids.slice(0, 10)) {
      const h = (await api.get(`/api/instances/${id}/history`)).body as { type: string }[];
      expect(h.filter((e) => e.type === 'MEDIATION_EXPIRED')).toHaveLength(1);
    }
    report('start-up', {
      'deadlines due at start': ids.length,
      'fired before listening': s.atReady,
      'fired after': order.length - s.atReady,
      'out of due order': order.filter((d, i) => i > 0 && d < order[i - 1]).length,
    });
    s.child.kill('SIGTERM');
  });
});
