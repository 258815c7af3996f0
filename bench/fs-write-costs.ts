/**
 * What one durable case write costs the file system on this machine, without Node's promise machinery: each way
 * of writing done with synchronous calls in a loop over 1,000 files in 200 folders, wall time and process CPU
 * (user, system) per write. Evidence for bench/SERVER-NOTES.md; not run by `npm run bench`.
 *   node --import tsx bench/fs-write-costs.ts [writes]
 *
 * With `checkpoint`, instead: a checkpoint's documents per second (issue 17), each way with the store's durability
 * (every document's data synced before the rename that replaces its predecessor) — the syncs one at a time, or
 * several in flight at once from several threads (ext4's journal folds concurrent fdatasyncs into one commit).
 *   node --import tsx bench/fs-write-costs.ts <documents> checkpoint
 *
 * With `journal`, instead: the latency of the journal's `fdatasync` (p50/p99/max) after a batch of small lines,
 * appended to a growing file or written at increasing offsets over a file pre-filled with zeros and synced before use
 * (its blocks allocated and written, so the file's size never changes), alone and while 4 threads write documents as
 * a checkpoint does (temp file, write, fdatasync, rename). `<documents>` is the number of batches each way.
 *   node --import tsx bench/fs-write-costs.ts <batches> journal [batch bytes, default 6000]
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
import { Worker } from 'node:worker_threads';

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

/** A thread doing synchronous file calls on request: `docs` (temp file, fdatasync, rename, for each) or `sync` (fds). */
const THREAD = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
parentPort.on('message', (m) => {
  if (m.op === 'docs')
    for (let i = 0; i < m.files.length; i++) {
      const tmp = m.files[i] + '.t' + m.tag + '.tmp';
      const fd = fs.openSync(tmp, 'w');
      fs.writeSync(fd, m.text);
      fs.fdatasyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(tmp, m.files[i]);
    }
  else for (const fd of m.fds) fs.fdatasyncSync(fd);
  parentPort.postMessage(0);
});`;

async function checkpointWays(): Promise<void> {
  const threads = Array.from({ length: 16 }, () => new Worker(THREAD, { eval: true }));
  const ask = (w: Worker, m: Record<string, unknown>) =>
    new Promise<void>((res) => {
      w.once('message', () => res());
      w.postMessage(m);
    });
  const docs = (from: number, n: number) =>
    Array.from({ length: n }, (_, k) => join(folder(from + k), `d${from + k}.json`));
  let round = 0;
  const ways: [string, (from: number, n: number) => Promise<void>][] = [
    [
      '(a) one thread: temp + fdatasync + rename, one document at a time (the store now)',
      (from, n) => ask(threads[0], { op: 'docs', files: docs(from, n), text: record, tag: round }),
    ],
    ...[2, 4, 8, 16].map((k): [string, (from: number, n: number) => Promise<void>] => [
      `(b) ${k} threads, each (a) on its share (${k} syncs in flight)`,
      async (from, n) => {
        const all = docs(from, n);
        await Promise.all(
          threads
            .slice(0, k)
            .map((w, t) => ask(w, { op: 'docs', files: all.filter((_, j) => j % k === t), text: record, tag: round })),
        );
      },
    ]),
    [
      '(c) one thread, slices of 256: write all temps, fdatasync each, then rename each',
      async (from, n) => {
        for (let s = 0; s < n; s += 256) {
          const fs = docs(from + s, Math.min(256, n - s));
          const fds = fs.map((f) => {
            const fd = openSync(`${f}.tmp`, 'w');
            writeSync(fd, record);
            return fd;
          });
          for (const fd of fds) fdatasyncSync(fd);
          fds.forEach((fd, j) => (closeSync(fd), renameSync(`${fs[j]}.tmp`, fs[j])));
        }
      },
    ],
    ...[4, 8, 16].map((k): [string, (from: number, n: number) => Promise<void>] => [
      `(d) slices of 256: temps written by one thread, fdatasync'ed from ${k} threads, then renamed`,
      async (from, n) => {
        for (let s = 0; s < n; s += 256) {
          const fs = docs(from + s, Math.min(256, n - s));
          const fds = fs.map((f) => {
            const fd = openSync(`${f}.tmp`, 'w');
            writeSync(fd, record);
            return fd;
          });
          await Promise.all(
            threads.slice(0, k).map((w, t) => ask(w, { op: 'sync', fds: fds.filter((_, j) => j % k === t) })),
          );
          fds.forEach((fd, j) => (closeSync(fd), renameSync(`${fs[j]}.tmp`, fs[j])));
        }
      },
    ]),
  ];
  console.log(
    `${N} documents of ${record.length} B each way, in ${FOLDERS} folders, replacing existing ones; two rounds`,
  );
  try {
    for (round = 0; round < 2; round++)
      for (const [label, way] of ways) {
        const u0 = process.cpuUsage();
        const t0 = performance.now();
        await way(0, N);
        const ms = performance.now() - t0;
        const u = process.cpuUsage(u0);
        console.log(
          `${label.padEnd(92)} ${((1000 * N) / ms).toFixed(0).padStart(6)} documents/s  CPU ${((u.user + u.system) / N).toFixed(0).padStart(4)} µs each`,
        );
      }
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
}

/** A thread writing checkpoint-like documents (temp, write, fdatasync, rename) until told to stop. */
const DOCS_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
let stop = false, n = 0;
parentPort.on('message', () => { stop = true; });
function loop() {
  for (let k = 0; k < 16 && !stop; k++, n++) {
    const f = path.join(workerData.root, String((n * 7 + workerData.t) % 200), 'j' + workerData.t + '-' + (n % 500) + '.json');
    const tmp = f + '.tmp';
    const fd = fs.openSync(tmp, 'w');
    fs.writeSync(fd, workerData.text);
    fs.fdatasyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, f);
  }
  if (stop) parentPort.postMessage(n); else setImmediate(loop);
}
loop();`;

async function journalWays(): Promise<void> {
  const size = Number(process.argv[4] ?? 6000);
  const line = Buffer.from(record.repeat(Math.ceil(size / record.length)).slice(0, size - 1) + '\n');
  const SEG = 64 * 1024 * 1024;
  const zeros = Buffer.alloc(1024 * 1024);
  const pct = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
  const ways: [string, () => { fd: number; write: () => void; done: () => void }][] = [
    [
      'append (the journal now)',
      () => {
        const f = join(root, `append-${Math.random()}.log`);
        const fd = openSync(f, 'a');
        return { fd, write: () => writeSync(fd, line), done: () => (closeSync(fd), rmSync(f)) };
      },
    ],
    [
      'overwrite a pre-zeroed, synced 64 MB file',
      () => {
        const f = join(root, `zeroed-${Math.random()}.log`);
        const fd = openSync(f, 'w');
        for (let off = 0; off < SEG; off += zeros.length) writeSync(fd, zeros, 0, zeros.length, off);
        fsyncSync(fd);
        const d = openSync(root, 'r');
        fsyncSync(d);
        closeSync(d);
        let pos = 0;
        return {
          fd,
          write: () => {
            if (pos + line.length > SEG) pos = 0;
            pos += writeSync(fd, line, 0, line.length, pos);
          },
          done: () => (closeSync(fd), rmSync(f)),
        };
      },
    ],
  ];
  console.log(`${N} batches of ${line.length} B each way, write + fdatasync one after another; two rounds`);
  for (let round = 0; round < 2; round++)
    for (const busy of [false, true])
      for (const [label, make] of ways) {
        const target = make();
        const threads = busy
          ? Array.from(
              { length: 4 },
              (_, t) => new Worker(DOCS_THREAD, { eval: true, workerData: { root, t, text: record + record } }),
            )
          : [];
        if (busy) await new Promise((r) => setTimeout(r, 300));
        const times: number[] = [];
        const t0 = performance.now();
        for (let i = 0; i < N; i++) {
          target.write();
          const s = performance.now();
          fdatasyncSync(target.fd);
          times.push(performance.now() - s);
          if (busy && i % 8 === 0) await new Promise((r) => setImmediate(r));
        }
        const ms = performance.now() - t0;
        const docs = busy
          ? (
              await Promise.all(
                threads.map(
                  (w) =>
                    new Promise<number>((res) => {
                      w.once('message', (n: number) => res(n));
                      w.postMessage('stop');
                    }),
                ),
              )
            ).reduce((a, b) => a + b, 0)
          : 0;
        await Promise.all(threads.map((w) => w.terminate()));
        target.done();
        times.sort((a, b) => a - b);
        console.log(
          `${(busy ? 'with 4 document writers: ' : 'alone: ') + label}`.padEnd(72) +
            ` fdatasync p50 ${pct(times, 0.5).toFixed(2).padStart(6)} ms  p99 ${pct(times, 0.99).toFixed(2).padStart(6)}  max ${times[times.length - 1].toFixed(1).padStart(6)}` +
            `  ${((1000 * N) / ms).toFixed(0).padStart(5)} batches/s` +
            (busy ? `  documents ${((1000 * docs) / ms).toFixed(0)}/s` : ''),
        );
      }
}

if (process.argv[3] === 'journal') {
  try {
    await journalWays();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
} else if (process.argv[3] === 'checkpoint') {
  for (let i = 0; i < N; i++) writeFileSync(join(folder(i), `d${i}.json`), record);
  try {
    await checkpointWays();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
} else
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
