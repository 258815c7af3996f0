/**
 * What one durable case write costs the file system on this machine, without Node's promise machinery: each way
 * of writing done with synchronous calls in a loop over 1,000 files in 200 folders, wall time and process CPU
 * (user, system) per write. Evidence for bench/SERVER-NOTES.md; not run by `npm run bench`.
 *   node --import tsx bench/fs-write-costs.ts [writes]
 */
import {
  closeSync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.argv[2] ?? 2000);
const FOLDERS = 200;
const FILES = 1000;
const root = mkdtempSync(join(tmpdir(), 'gongzhi-fs-costs-'));
for (let s = 0; s < FOLDERS; s++) mkdirSync(join(root, String(s)));
// a case record of about 4 KB (a grid-event case after ~10 events), and one history entry's worth (~300 B)
const record = JSON.stringify({
  history: Array.from({ length: 20 }, (_, i) => ({
    seq: i,
    at: '2025-09-26T09:00:00+08:00',
    type: 'ASSIGN',
    payload: { unit: '示例单位', designated: false },
    from: 'dispatch',
    to: 'handling',
    rules: [['unitNotDesignated', true]],
    effects: [],
  })),
});
const entry = record.slice(0, 300);
const folder = (i: number) => join(root, String(i % FOLDERS));
const file = (i: number, ext: string) => join(folder(i), `${i % FILES}${ext}`);
for (let i = 0; i < FILES; i++) writeFileSync(file(i, '.json'), record);
const folderFds = new Map<string, number>();
const logFds = new Map<string, number>();

const ways: [string, (i: number) => void][] = [
  [
    'temp file + fdatasync + rename + folder fsync (the store, fsync on)',
    (i) => {
      const f = file(i, '.json');
      const fd = openSync(`${f}.tmp`, 'w');
      writeSync(fd, record);
      fdatasyncSync(fd);
      closeSync(fd);
      renameSync(`${f}.tmp`, f);
      const d = openSync(folder(i), 'r');
      fsyncSync(d);
      closeSync(d);
    },
  ],
  [
    'the same, folder handles kept open',
    (i) => {
      const f = file(i, '.json');
      const fd = openSync(`${f}.tmp`, 'w');
      writeSync(fd, record);
      fdatasyncSync(fd);
      closeSync(fd);
      renameSync(`${f}.tmp`, f);
      let d = folderFds.get(folder(i));
      if (d === undefined) folderFds.set(folder(i), (d = openSync(folder(i), 'r')));
      fsyncSync(d);
    },
  ],
  [
    'temp file + rename, no syncs (the store, fsync off)',
    (i) => {
      const f = file(i, '.json');
      const fd = openSync(`${f}.tmp`, 'w');
      writeSync(fd, record);
      closeSync(fd);
      renameSync(`${f}.tmp`, f);
    },
  ],
  [
    'append one entry to the case log + fdatasync (open, append, sync, close)',
    (i) => {
      const fd = openSync(file(i, '.log'), 'a');
      writeSync(fd, entry);
      fdatasyncSync(fd);
      closeSync(fd);
    },
  ],
  [
    'append one entry + fdatasync, log handles kept open',
    (i) => {
      const f = file(i, '.log2');
      let fd = logFds.get(f);
      if (fd === undefined) logFds.set(f, (fd = openSync(f, 'a')));
      writeSync(fd, entry);
      fdatasyncSync(fd);
    },
  ],
];

try {
  console.log(`${N} writes each, ${record.length} B record, ${entry.length} B entry; two rounds`);
  for (let round = 0; round < 2; round++) {
    for (const [label, write] of ways) {
      const u0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < N; i++) write(i);
      const ms = performance.now() - t0;
      const u = process.cpuUsage(u0);
      console.log(
        `${label.padEnd(76)} ${((1000 * ms) / N).toFixed(0).padStart(5)} µs wall  user ${(u.user / N).toFixed(0).padStart(4)} µs  system ${(u.system / N).toFixed(0).padStart(4)} µs`,
      );
    }
  }
} finally {
  for (const fd of [...folderFds.values(), ...logFds.values()]) closeSync(fd);
  rmSync(root, { recursive: true, force: true });
}
