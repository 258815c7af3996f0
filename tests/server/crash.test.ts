/**
 * Crash safety: a server process receiving a stream of events (and firing a batch of deadlines) is killed with
 * SIGKILL mid-stream, twice. After each restart every acknowledged event is in the history, every stored document
 * and every complete journal line parses (no half-written file), and every deadline fired exactly once — none lost,
 * none twice.
 */
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { client, tempDir, mediationData, gridData } from './helpers';
import { killLaunched, mustLaunch } from './fixtures/launch';
import { FileInstanceStore, type CaseRecord } from '../../server/store';
import { summarize } from '../../server/cases/summarize';

afterAll(killLaunched);

/** READY once listening; OVERDUE once the deadlines due at start have fired (in the background). */
const launch = (dataDir: string) => mustLaunch(dataDir, { ready: /READY (\S+)\n[^]*OVERDUE \d+/ });

interface Ack {
  id: string;
  rev: number;
  type: string;
  payload: unknown;
}

/** Sends ASSIGN/RETURN pairs to grid cases from 4 workers until stopped; records every acknowledged event. */
function stream(api: ReturnType<typeof client>, cases: { id: string; state: string }[], acks: Ack[]) {
  let stop = false;
  let n = 0;
  const worker = async (w: number) => {
    for (let i = w; !stop; i += 4) {
      const c = cases[i % cases.length];
      const assign = c.state === 'dispatch';
      const payload = assign ? { unit: `示例单位${n++}`, designated: false } : { reason: `示例原因${n++}` };
      try {
        const r = await api.event(c.id, assign ? 'ASSIGN' : 'RETURN', payload, {
          roles: [assign ? 'dispatcher' : 'unit'],
        });
        if (r.status === 200) {
          acks.push({ id: c.id, rev: r.body.rev, type: assign ? 'ASSIGN' : 'RETURN', payload });
          c.state = r.body.state;
        }
      } catch {
        return; // the server died: this request was never acknowledged
      }
    }
  };
  const done = Promise.all([0, 1, 2, 3].map(worker));
  return {
    stop: () => {
      stop = true;
      return done;
    },
    done,
  };
}

/**
 * The cases on disk: every document and every complete journal line is JSON (a torn last line is a write that was
 * never acknowledged), and the store opens a copy of the folder cleanly — nothing unreadable, no journal line
 * skipped — giving each case's latest acknowledged record.
 */
async function onDisk(dataDir: string): Promise<Map<string, CaseRecord>> {
  const dir = join(dataDir, 'instances');
  for (const shard of readdirSync(dir).filter((d) => d !== '_journal')) {
    for (const f of readdirSync(join(dir, shard)))
      if (f.endsWith('.json')) JSON.parse(readFileSync(join(dir, shard, f), 'utf8'));
  }
  const j = join(dir, '_journal');
  for (const f of readdirSync(j)) {
    const text = readFileSync(join(j, f), 'utf8');
    for (const line of text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter(Boolean))
      JSON.parse(line);
  }
  JSON.parse(readFileSync(join(dataDir, 'registry.json'), 'utf8'));
  const copy = tempDir('gongzhi-crash-copy-');
  cpSync(dir, copy, { recursive: true });
  const logs: string[] = [];
  const store = new FileInstanceStore({ dir: copy, fsync: false, summarize, log: (m) => logs.push(m) });
  await store.open();
  expect(store.unreadable).toEqual([]);
  expect(logs).toEqual([]);
  const out = new Map<string, CaseRecord>();
  for (const s of store.summaries()) out.set(s.id, (await store.get(s.id))!);
  return out;
}

/** How many deadline firings the journal holds so far (a cheap look while the server runs). */
function expiriesInJournal(dataDir: string): number {
  const j = join(dataDir, 'instances', '_journal');
  return readdirSync(j).reduce(
    (n, f) => n + (readFileSync(join(j, f), 'utf8').match(/"type":"MEDIATION_EXPIRED"/g)?.length ?? 0),
    0,
  );
}

describe('a server killed with SIGKILL mid-stream', () => {
  it(
    'loses no acknowledged event, leaves no broken file, and fires every deadline exactly once',
    { timeout: 120_000 },
    async () => {
      const dataDir = tempDir('gongzhi-crash-');
      let { child, url } = await launch(dataDir);
      let api = client(url);
      const mediation: string[] = [];
      for (let i = 0; i < 40; i++) mediation.push((await api.start('national', 'dispute-mediation', mediationData)).id);
      const grid: { id: string; state: string }[] = [];
      for (let i = 0; i < 20; i++) {
        const g = await api.start('national', 'grid-event', gridData);
        grid.push({ id: g.id, state: g.state });
      }
      const acks: Ack[] = [];

      for (let round = 0; round < 2; round++) {
        const s = stream(api, grid, acks);
        await new Promise((r) => setTimeout(r, 400));
        if (round === 0) {
          // 40 mediation deadlines start firing: kill as soon as the first few are on disk, mid-batch
          void api.clock('2025-11-01T09:00:00+08:00').catch(() => undefined);
          for (let t = 0; t < 400 && expiriesInJournal(dataDir) < 3; t++) await new Promise((r) => setTimeout(r, 5));
        } else await new Promise((r) => setTimeout(r, 30 + Math.random() * 40));
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await s.stop();
        await exited;
        const disk = await onDisk(dataDir);
        expect(disk.size).toBe(60);
        const fired = [...disk.values()].filter((c) => c.history.some((h) => h.type === 'MEDIATION_EXPIRED')).length;
        if (round === 0)
          console.log(`killed with ${fired}/40 mediation deadlines fired on disk, ${acks.length} events acknowledged`);
        ({ child, url } = await launch(dataDir));
        api = client(url);
        // refresh what each grid case is in now (an unacknowledged event may or may not have been written)
        for (const g of grid) g.state = (await api.get(`/api/instances/${g.id}`)).body.state;
      }
      expect(acks.length).toBeGreaterThan(20);

      for (const a of acks) {
        const h = (await api.get(`/api/instances/${a.id}/history`)).body as {
          seq: number;
          type: string;
          payload: unknown;
        }[];
        expect(h[a.rev - 1], `${a.id} rev ${a.rev}`).toMatchObject({ seq: a.rev, type: a.type, payload: a.payload });
        expect(h.map((e) => e.seq)).toEqual(h.map((_, i) => i + 1));
      }
      for (const id of mediation) {
        const c = (await api.get(`/api/instances/${id}`)).body;
        expect(c.state, id).toBe('fastTrackCourt.filing');
        const h = (await api.get(`/api/instances/${id}/history`)).body as { type: string }[];
        expect(
          h.filter((e) => e.type === 'MEDIATION_EXPIRED'),
          id,
        ).toHaveLength(1);
      }
      child.kill('SIGTERM');
    },
  );
});
