/**
 * Issue 10, fault 3 and the 507 item: a full disk loses no acknowledged event and stores no refused one.
 *
 * On a small filesystem (a size-capped tmpfs as root, else an injected ENOSPC; see fixtures/small-disk.ts):
 * 1. the store itself: writes of 20 cases at once while the disk fills (journal batches cut short mid-batch), more
 *    while it is full, more once space is back; then the store is abandoned as a SIGKILL would leave it and opened
 *    again: every acknowledged write is there, in order, and no refused one;
 * 2. a server process: events answered 507 STORAGE_FULL (never 500) while full, served again once space returns,
 *    killed with SIGKILL and restarted: every acknowledged event in the history, no refused one;
 * 3. the journal's spare (a file of zeros prepared ahead, with fsync): when the disk has no room for it, the failure
 *    is reported as STORAGE_FULL, the partial file removed, the journal writes on and holds every acknowledged line
 *    and no refused one; the next rotation tries again.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileInstanceStore, type CaseRecord } from '../../server/store';
import { summarize } from '../../server/cases/summarize';
import { client, gridData, until } from '../server/helpers';
import { Journal } from '../../server/store/journal';
import { smallDisk, PRELOAD, type SmallDisk } from './fixtures/small-disk';
import { report } from './figures';
import { killLaunched, mustLaunch } from '../server/fixtures/launch';
import { gridRecord } from '../support/records';

const disks: SmallDisk[] = [];
afterAll(() => {
  killLaunched();
  for (const d of disks) d.close();
});

async function useDisk(size: number): Promise<SmallDisk> {
  const disk = smallDisk(size);
  disks.push(disk);
  if (disk.kind === 'injected' && !process.env.GONGZHI_TEST_DISK_BUDGET) {
    process.env.GONGZHI_TEST_DISK_BUDGET = disk.env.GONGZHI_TEST_DISK_BUDGET;
    await import(PRELOAD);
  }
  return disk;
}

const record = (id: string, rev: number, history: CaseRecord['history']) =>
  gridRecord(id, { rev, history, at: '2025-09-26T09:00:00.000+08:00' });

describe('a full disk under the store', () => {
  it(
    'keeps every acknowledged write and no refused one, across an abandoned (killed) store',
    { timeout: 60_000 },
    async () => {
      const disk = await useDisk(4 * 1024 * 1024);
      const dir = join(disk.dir, 'store-instances');
      const store = new FileInstanceStore({ dir, fsync: true, summarize, checkpointMs: 3_600_000 });
      await store.open();
      const ids = Array.from({ length: 20 }, (_, i) => `0000case${String(i).padStart(4, '0')}xyz`);
      const acked = new Map<string, string[]>(ids.map((id) => [id, []]));
      const refused = new Set<string>();
      const errors: string[] = [];
      let n = 0;
      for (const id of ids)
        await store.put(
          record(id, 1, [{ seq: 1, at: 'x', type: 'START', from: null, to: 'dispatch', rules: [], effects: [] }]),
        );
      const event = async (id: string) => {
        const prev = (await store.get(id))!;
        const tag = `t${n++}`;
        const entry = {
          seq: prev.history.length + 1,
          at: 'x',
          type: 'ASSIGN',
          payload: { tag, pad: 'x'.repeat(700) },
          from: 'dispatch',
          to: 'dispatch',
          rules: [],
          effects: [],
        };
        try {
          await store.put({
            ...prev,
            instance: { ...prev.instance, rev: prev.instance.rev + 1 },
            history: [...prev.history, entry],
          });
          acked.get(id)!.push(tag);
        } catch (e) {
          refused.add(tag);
          errors.push((e as { code?: string }).code ?? String(e));
        }
      };
      const round = () => Promise.all(ids.map(event));
      for (let r = 0; r < 2; r++) await round();
      disk.fill(16 * 1024); // room for about one batch: the next batches are cut short mid-batch
      for (let r = 0; r < 6; r++) await round();
      const whileFull = refused.size;
      disk.free();
      for (let r = 0; r < 3; r++) await round();
      const ackedCount = [...acked.values()].reduce((s, a) => s + a.length, 0);
      expect(whileFull, 'some writes were refused while the disk was full').toBeGreaterThan(0);
      expect(refused.size, 'nothing is refused once space is back').toBe(whileFull);

      // the store is abandoned as a SIGKILL leaves it (no close, no checkpoint) and the folder opened again
      const logs: string[] = [];
      const again = new FileInstanceStore({ dir, fsync: false, summarize, log: (m) => logs.push(m) });
      await again.open();
      let lost = 0;
      let stored = 0;
      for (const id of ids) {
        const tags = (await again.get(id))!.history.slice(1).map((h) => (h.payload as { tag: string }).tag);
        lost += acked.get(id)!.filter((t) => !tags.includes(t)).length;
        stored += tags.filter((t) => refused.has(t)).length;
        expect(tags, id).toEqual(acked.get(id));
      }
      expect(logs).toEqual([]);
      expect(new Set(errors)).toEqual(new Set(['STORAGE_FULL']));
      await again.close();
      report('disk-full (store)', {
        disk: disk.kind,
        'writes acknowledged': ackedCount,
        'writes refused 507': refused.size,
        'acknowledged lost': lost,
        'refused stored': stored,
      });
    },
  );
});

const launch = (disk: SmallDisk, dataDir: string) => mustLaunch(dataDir, { execArgv: disk.execArgv, env: disk.env });

describe('a full disk under a server process', () => {
  it(
    'answers 507 and acknowledges nothing while full, recovers when space returns, and survives SIGKILL',
    { timeout: 120_000 },
    async () => {
      const disk = await useDisk(64 * 1024 * 1024);
      const dataDir = join(disk.dir, 'server-data');
      let { child, url } = await launch(disk, dataDir);
      let api = client(url);
      const cases: { id: string; state: string }[] = [];
      for (let i = 0; i < 12; i++) {
        const c = await api.start('national', 'grid-event', {
          ...gridData,
          description: `示例:${'楼道堆放杂物'.repeat(40)}`,
        });
        cases.push({ id: c.id, state: c.state });
      }
      const acks: { id: string; rev: number; unit: string }[] = [];
      const refusedUnits = new Set<string>();
      const statuses: Record<string, number> = {};
      const other: string[] = [];
      let n = 0;
      const send = async (c: { id: string; state: string }) => {
        const assign = c.state === 'dispatch';
        const unit = `示例单位${n++}-${'x'.repeat(150)}`;
        const r = await api.event(
          c.id,
          assign ? 'ASSIGN' : 'RETURN',
          assign ? { unit, designated: false } : { reason: unit },
          { roles: [assign ? 'dispatcher' : 'unit'] },
        );
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status === 200) {
          acks.push({ id: c.id, rev: r.body.rev, unit });
          c.state = r.body.state;
        } else {
          if (r.status !== 507 || r.body.error.code !== 'STORAGE_FULL')
            other.push(`${r.status} ${JSON.stringify(r.body).slice(0, 160)}`);
          refusedUnits.add(unit);
        }
      };
      const round = () => Promise.all(cases.map(send));
      await round();
      disk.fill(24 * 1024);
      for (let r = 0; r < 8; r++) await round();
      expect(refusedUnits.size, 'refused while full').toBeGreaterThan(0);
      const full = refusedUnits.size;
      disk.free();
      for (let r = 0; r < 3; r++) await round();
      expect(refusedUnits.size, 'served again once space is back').toBe(full);

      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      ({ child, url } = await launch(disk, dataDir));
      api = client(url);
      let lost = 0;
      let stored = 0;
      for (const c of cases) {
        const h = (await api.get(`/api/instances/${c.id}/history`)).body as {
          seq: number;
          payload: { unit?: string; reason?: string };
        }[];
        expect(h.map((e) => e.seq)).toEqual(h.map((_, i) => i + 1));
        const units = h.slice(1).map((e) => e.payload.unit ?? e.payload.reason);
        const mine = acks.filter((a) => a.id === c.id);
        lost += mine.filter(
          (a) => h[a.rev - 1]?.payload.unit !== a.unit && h[a.rev - 1]?.payload.reason !== a.unit,
        ).length;
        stored += units.filter((u) => refusedUnits.has(u!)).length;
        expect(units, c.id).toEqual(mine.map((a) => a.unit));
      }
      child.kill('SIGTERM');
      report('disk-full (server, SIGKILL)', {
        disk: disk.kind,
        'events acknowledged': acks.length,
        'events answered 507': refusedUnits.size,
        'answers 5xx other than 507': Object.entries(statuses)
          .filter(([s]) => +s >= 500 && +s !== 507)
          .reduce((a, [, v]) => a + v, 0),
        'acknowledged lost': lost,
        'refused stored': stored,
      });
      expect(lost).toBe(0);
      expect(stored).toBe(0);
      expect(other, 'every refusal is 507 STORAGE_FULL').toEqual([]);
    },
  );
});

describe("a full disk under the journal's spare", () => {
  it(
    'a spare that cannot be prepared is reported (STORAGE_FULL), leaves no partial file and loses nothing',
    { timeout: 60_000 },
    async () => {
      const disk = await useDisk(8 * 1024 * 1024);
      const dir = join(disk.dir, 'journal-spare');
      const errors: unknown[] = [];
      const j = new Journal(dir, true, { segmentBytes: 4 * 1024 * 1024, onSpareError: (e) => errors.push(e) });
      await j.start();
      // in this process an injected ENOSPC reads the budget the first injected disk set up (the preload is loaded once)
      const budget = (b: string) => writeFileSync(process.env.GONGZHI_TEST_DISK_BUDGET!, b);
      const fill = (b: number) => (disk.kind === 'injected' ? budget(String(b)) : disk.fill(b));
      const free = () => (disk.kind === 'injected' ? budget('') : disk.free());
      fill(1024 * 1024); // room for the lines, not for a segment of zeros
      const acked: number[] = [];
      const refused: number[] = [];
      let n = 0;
      const append = async () => {
        const k = n++;
        try {
          await j.append(JSON.stringify({ k, pad: 'z'.repeat(1000) }));
          acked.push(k);
        } catch (e) {
          expect((e as { code?: string }).code).toBe('STORAGE_FULL');
          refused.push(k);
        }
      };
      // past a sixteenth of a segment (256 KiB) the spare is prepared, and fails on the full disk
      while (!errors.length && n < 900) await append();
      await until(() => errors.length, 10_000, 'the failed preparation');
      expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['STORAGE_FULL']);
      expect(readdirSync(dir).filter((f) => f.startsWith('spare'))).toEqual([]); // the partial file is gone
      free();
      for (let i = 0; i < 20; i++) await append();
      expect(
        refused.filter((k) => k >= n - 20),
        'the journal writes on',
      ).toEqual([]);
      // what the journal holds: every acknowledged line, in order, and no refused one
      const read = j.files().flatMap((f) => Journal.lines(f).map((l) => (JSON.parse(l) as { k: number }).k));
      expect(read).toEqual(acked);
      await j.rotate();
      // the next rotation tries again: with room, the spare is made, and the journal moves onto it
      await until(
        async () => (await append(), statSync(j.current()).size === 4 * 1024 * 1024),
        20_000,
        'the spare in use, once there is room',
      );
      await j.close();
      report('disk-full (journal spare)', {
        disk: disk.kind,
        'lines acknowledged': acked.length,
        'lines refused': refused.length,
      });
    },
  );
});
