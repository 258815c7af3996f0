/**
 * Store scaling: the cost of one event (CaseService.send: read the case file, engine step, atomic write) with 100
 * stored cases against the same with 100,000 stored cases, both stores opened fresh on their folder first; the
 * store's start-up time (reading every case file to build the summaries), its memory and disk per stored case.
 *
 * The cases are national grid-event cases: one started through the case service, the others copies of its record
 * with fresh ids, written straight to `instances/<shard>/<id>.json` (the store's own layout and JSON) to keep the
 * set-up short. Events are the loop ASSIGN / RETURN, one at a time through `deps.cases.send` (no HTTP).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { closeDeps, createGongzhi } from '../server/app';
import type { EmbeddedStore } from '../server/store/embedded';
import type { AppDeps } from '../server/deps';
import type { CaseRecord, FileInstanceStore } from '../server/store';
import { newCaseId } from '../server/util/ids';
import { ADMIN, GRID_DATA, LOOP, NOW, REALISTIC_PATH, type LoopEvent } from './grid-event';
import { alternate, median, pairedRatio, type Series } from './measure';
import { PACKS_ROOT } from './mediation-path';
import type { BenchOptions, BenchResult } from './types';

const TARGET = 1.5;
const OPEN_SCRIPT = fileURLToPath(new URL('./store-open.ts', import.meta.url));
const run$ = promisify(execFile);

interface Opened {
  deps: AppDeps;
  ms: number;
  close(): Promise<void>;
}

/** The server's start-up path without HTTP (registry, packs, store open, scheduler, outbox), timed. */
export async function openGongzhi(dataDir: string, fsync: boolean): Promise<Opened> {
  const t0 = performance.now();
  const { deps } = await createGongzhi({
    dataDir,
    packsDir: PACKS_ROOT,
    adminToken: 'bench-admin',
    controlledClock: true,
    now: NOW,
    quiet: true,
    log: () => {},
    fsync,
  });
  const ms = performance.now() - t0;
  return {
    deps,
    ms,
    async close() {
      await closeDeps(deps);
    },
  };
}

/** The file store's records under the seam (this benchmark runs the embedded store). */
const records = (deps: AppDeps) => (deps.store as EmbeddedStore).records;

/** Writes `count` copies of `template` with fresh ids into the store folder `dir` (`<dataDir>/instances`). */
export function populate(dir: string, template: CaseRecord, count: number): string[] {
  const ids: string[] = [];
  const shards = new Set<string>();
  for (let i = 0; i < count; i++) {
    const id = newCaseId();
    const shard = id.slice(-2);
    if (!shards.has(shard)) {
      mkdirSync(join(dir, shard), { recursive: true });
      shards.add(shard);
    }
    writeFileSync(
      join(dir, shard, `${id}.json`),
      JSON.stringify({ ...template, instance: { ...template.instance, id } }),
    );
    ids.push(id);
  }
  return ids;
}

/** Bytes under a store folder: file sizes, and blocks allocated (files and shard folders). */
export function diskUsage(dir: string): { files: number; bytes: number; allocated: number } {
  let files = 0;
  let bytes = 0;
  let allocated = statSync(dir).blocks * 512;
  for (const shard of readdirSync(dir)) {
    const sd = join(dir, shard);
    allocated += statSync(sd).blocks * 512;
    for (const name of readdirSync(sd)) {
      const st = statSync(join(sd, name));
      if (shard !== '_journal') files++; // case documents; the journal's bytes count, its files are not cases
      bytes += st.size;
      allocated += st.blocks * 512;
    }
  }
  return { files, bytes, allocated };
}

async function openInChild(dataDir: string, sync = false): Promise<{ cases: number; ms: number; heapBytes: number }> {
  const args = ['--expose-gc', '--import', 'tsx', OPEN_SCRIPT, dataDir, ...(sync ? ['sync'] : [])];
  const { stdout } = await run$(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { cases: number; ms: number; heapBytes: number };
}

/** A deterministic pseudo-random sequence (mulberry32), so runs pick the same cases. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sends events one at a time to the cases `pick` chooses; one sample = `n` events, figure = mean ms per event. */
function eventStream(deps: AppDeps, pick: () => string) {
  const touched = new Set<string>();
  let sent = 0;
  return {
    get sent() {
      return sent;
    },
    touched: () => touched.size,
    sample: (n: number) => async () => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const id = pick();
        // the loop's next event from where the case is (the in-memory summary, kept by the store)
        const e: LoopEvent = records(deps).summary(id)?.state === 'handling' ? 'RETURN' : 'ASSIGN';
        const r = await deps.cases.send(ADMIN, id, LOOP[e]);
        if (r.id !== id) throw new Error(`store bench: ${e} on ${id} answered another case`);
        touched.add(id);
      }
      sent += n;
      return (performance.now() - t0) / n;
    },
  };
}

/** Three streams: the small store's cases in turn; the large store's on as many cases (picked once, at random) in turn; the large store's on any case at random. */
function streams(small: Opened, smallIds: string[], large: Opened, largeIds: string[], seed: number) {
  const rnd = random(seed);
  const working = new Set<string>();
  while (working.size < Math.min(smallIds.length, largeIds.length))
    working.add(largeIds[Math.floor(rnd() * largeIds.length)]);
  const ws = [...working];
  let i = 0;
  let j = 0;
  return {
    small: eventStream(small.deps, () => smallIds[i++ % smallIds.length]),
    largeSame: eventStream(large.deps, () => ws[j++ % ws.length]),
    largeAny: eventStream(large.deps, () => largeIds[Math.floor(rnd() * largeIds.length)]),
  };
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const nSmall = 100;
  const nLarge = opts.quick ? 1_000 : 100_000;
  const perSample = opts.quick ? 10 : 100;
  const rounds = opts.quick ? 1 : 9;
  const rounds0 = opts.quick ? 1 : 7;
  const warmup = opts.quick ? 0 : 1;
  const opens = opts.quick ? 1 : 3;
  const histSample = opts.quick ? 5 : 20;
  const histLong = opts.quick ? 20 : 200;
  const histRounds = opts.quick ? 1 : 5;
  const root = mkdtempSync(join(tmpdir(), 'gongzhi-bench-store-'));
  const smallDir = join(root, 'small');
  const largeDir = join(root, 'large');
  const fmtN = (n: number) => n.toLocaleString('en-US');
  try {
    // one real case, through the service; the rest are copies of its record
    const seed = await openGongzhi(smallDir, true);
    const started = await seed.deps.cases.start(ADMIN, { pack: 'national', procedure: 'grid-event', data: GRID_DATA });
    const template = (await records(seed.deps).get(started.instance.id))!;
    await seed.close();
    const t0 = performance.now();
    const smallIds = [started.instance.id, ...populate(join(smallDir, 'instances'), template, nSmall - 1)];
    const largeIds = populate(join(largeDir, 'instances'), template, nLarge);
    const populateMs = performance.now() - t0;

    const diskSmall = diskUsage(join(smallDir, 'instances'));
    const diskLarge = diskUsage(join(largeDir, 'instances'));
    if (diskLarge.files !== nLarge || diskSmall.files !== nSmall)
      throw new Error(`store bench: ${diskLarge.files}/${diskSmall.files} files written`);

    // start-up and memory: each open in a fresh process, alternating the two folders
    const heap: { small: number[]; large: number[] } = { small: [], large: [] };
    const [openSmall, openLarge, openFloor] = await alternate(
      [
        {
          label: 'small',
          sample: async () => {
            const r = await openInChild(smallDir);
            heap.small.push(r.heapBytes);
            return r.ms;
          },
        },
        {
          label: 'large',
          sample: async () => {
            const r = await openInChild(largeDir);
            heap.large.push(r.heapBytes);
            return r.ms;
          },
        },
        { label: 'floor', sample: async () => (await openInChild(largeDir, true)).ms },
      ],
      { rounds: opens },
    );
    const heapPerCase = (median(heap.large) - median(heap.small)) / (nLarge - nSmall);

    // events, fsync on (the default): both stores open in this process, the three streams alternating
    const small = await openGongzhi(smallDir, true);
    const large = await openGongzhi(largeDir, true);
    if (records(small.deps).size !== nSmall || records(large.deps).size !== nLarge)
      throw new Error('store bench: stores opened with the wrong number of cases');
    let on: Series[];
    let s: ReturnType<typeof streams>;
    let pathBytes: number;
    let history: Series[];
    let longBytes: number;
    try {
      s = streams(small, smallIds, large, largeIds, 6);
      on = await alternate(
        [
          { label: `${nSmall} cases`, sample: s.small.sample(perSample) },
          { label: `${fmtN(nLarge)} cases, on ${nSmall} of them`, sample: s.largeSame.sample(perSample) },
          { label: `${fmtN(nLarge)} cases, on any at random`, sample: s.largeAny.sample(perSample) },
        ],
        { rounds, warmup },
      );

      // a case after a realistic path: start and 5 events to `closed`
      const c = await small.deps.cases.start(ADMIN, { pack: 'national', procedure: 'grid-event', data: GRID_DATA });
      let state = c.instance.state;
      for (const e of REALISTIC_PATH) state = (await small.deps.cases.send(ADMIN, c.instance.id, e)).state;
      if (state !== 'closed') throw new Error(`store bench: realistic path ended in ${state}`);
      await (records(small.deps) as FileInstanceStore).checkpoint(); // its document is written at the next checkpoint
      pathBytes = statSync(join(smallDir, 'instances', c.instance.id.slice(-2), `${c.instance.id}.json`)).size;

      // history length: each event serializes the case's whole record into the journal, so a long history costs more
      const start = async () =>
        (await small.deps.cases.start(ADMIN, { pack: 'national', procedure: 'grid-event', data: GRID_DATA })).instance
          .id;
      const old = await start();
      const oneCase = (id: string) => eventStream(small.deps, () => id).sample(histSample);
      await oneCase(old)();
      for (let k = 1; k < histLong / histSample; k++) await oneCase(old)();
      history = await alternate(
        [
          { label: `one case, its first ${histSample} events`, sample: async () => oneCase(await start())() },
          { label: `one case with ${fmtN(histLong)}+ events, ${histSample} more`, sample: oneCase(old) },
        ],
        { rounds: histRounds, warmup },
      );
      await (records(small.deps) as FileInstanceStore).checkpoint();
      longBytes = statSync(join(smallDir, 'instances', old.slice(-2), `${old}.json`)).size;
    } finally {
      await Promise.all([small.close(), large.close()]);
    }

    // events, fsync off (labelled): the same stores reopened without fsync, like-for-like streams only
    const smallU = await openGongzhi(smallDir, false);
    const largeU = await openGongzhi(largeDir, false);
    let off: Series[];
    try {
      const u = streams(smallU, smallIds, largeU, largeIds, 7);
      off = await alternate(
        [
          { label: `${nSmall} cases`, sample: u.small.sample(perSample) },
          { label: `${fmtN(nLarge)} cases, on ${nSmall} of them`, sample: u.largeSame.sample(perSample) },
        ],
        { rounds: rounds0, warmup },
      );
    } finally {
      await Promise.all([smallU.close(), largeU.close()]);
    }

    const [a, b, c] = on;
    const same = pairedRatio(b, a);
    const any = pairedRatio(c, a);
    const sameOff = pairedRatio(off[1], off[0]);
    const eventsPerSmallCase = s.small.sent / nSmall;
    return {
      name: 'store',
      title: '存储规模 Store scaling (per-event cost, start-up, memory and disk per case)',
      rows: [
        { label: `per event, ${a.label} (fsync on)`, value: a.median, unit: 'ms' },
        { label: `per event, ${b.label} (fsync on)`, value: b.median, unit: 'ms' },
        { label: `per event, ${c.label} (fsync on)`, value: c.median, unit: 'ms' },
        { label: `per event, ${off[0].label}, fsync off`, value: off[0].median, unit: 'ms' },
        { label: `per event, ${off[1].label}, fsync off`, value: off[1].median, unit: 'ms' },
        { label: `per event, ${history[0].label} (fsync on)`, value: history[0].median, unit: 'ms' },
        { label: `per event, ${history[1].label} (fsync on)`, value: history[1].median, unit: 'ms' },
        { label: `  that case's file`, value: longBytes, unit: 'bytes' },
        {
          label: `store open (read every case file, build summaries), ${fmtN(nLarge)} cases`,
          value: openLarge.median,
          unit: 'ms',
        },
        { label: `  per case`, value: (1000 * openLarge.median) / nLarge, unit: 'µs' },
        {
          label: `  the same files read with readFileSync in a loop (JSON.parse, summaries; the floor)`,
          value: openFloor.median,
          unit: 'ms',
        },
        { label: `store open, ${nSmall} cases`, value: openSmall.median, unit: 'ms' },
        {
          label: `server start-up without HTTP (registry, packs, store, scheduler), ${fmtN(nLarge)} cases`,
          value: large.ms,
          unit: 'ms',
        },
        { label: `server start-up without HTTP, ${nSmall} cases`, value: small.ms, unit: 'ms' },
        { label: 'memory per stored case (V8 heap, after GC)', value: heapPerCase, unit: 'bytes' },
        { label: `memory, ${fmtN(nLarge)} cases open`, value: median(heap.large) / 2 ** 20, unit: 'MiB' },
        { label: 'disk per case just started: file size', value: diskLarge.bytes / nLarge, unit: 'bytes' },
        {
          label: '  allocated (file blocks and its share of the shard folders)',
          value: diskLarge.allocated / nLarge,
          unit: 'bytes',
        },
        { label: 'disk per case after start and 5 events (to closed): file size', value: pathBytes, unit: 'bytes' },
        {
          label: `creating the ${fmtN(nLarge + nSmall - 1)} copies (set-up, not part of any figure)`,
          value: populateMs,
          unit: 'ms',
        },
      ],
      ratios: [
        { label: `per event, ${b.label} / ${a.label}`, value: same, target: `≤ ${TARGET}`, met: same <= TARGET },
        { label: `per event, ${c.label} / ${a.label}`, value: any, target: `≤ ${TARGET}`, met: any <= TARGET },
        { label: 'the same like-for-like ratio with fsync off', value: sameOff },
        {
          label: `per event, case with ${fmtN(histLong)}+ events / its first ${histSample} events`,
          value: pairedRatio(history[1], history[0]),
        },
        { label: `store open, ${fmtN(nLarge)} cases / readFileSync loop`, value: pairedRatio(openLarge, openFloor) },
      ],
      notes: [
        `Cases: national grid-event, started in \`dispatch\`; one started through the case service, the others (${nSmall - 1} in the ${nSmall}-case store, all ${fmtN(nLarge)} in the large one) are copies of its record with fresh ids (newCaseId) written as files in the store's layout (\`instances/<last two id characters>/<id>.json\`, one file per case, up to 1,296 shard folders). Every figure here is taken on stores opened fresh on those folders, as the server opens them.`,
        `Per event: \`deps.cases.send\` (case lock, the case's record from the store's cache or its document, engine step, new record appended to the shared journal and synced — group commit, one event at a time here so one sync each — the summary and the scheduler updated; documents are rewritten at checkpoints), one event at a time, ${perSample} events per sample, mean ms per event; ${rounds} rounds (fsync off: ${rounds0}) after ${warmup} warm-up round, the streams alternating in rotating order, ratio = median of per-round ratios. Both stores are open in this one process.`,
        `Streams: "${a.label}" sends to its cases in turn; "${b.label}" sends to ${nSmall} cases picked once at random among the ${fmtN(nLarge)}, in turn, so both take the same number of events per case and their files grow alike (≈ ${eventsPerSmallCase.toFixed(0)} events per case by the end, ≈ 0.3 KB each): the like-for-like comparison; "${c.label}" sends each event to a case drawn at random among all ${fmtN(nLarge)} (${s.largeAny.touched()} different cases; their files stay at one or two events, so this stream writes smaller files than the other two).`,
        `Start-up: FileInstanceStore.open alone, in a fresh process each time (\`bench/store-open.ts\`), median of ${opens}, alternating with a plain loop of readFileSync + JSON.parse + summarize over the same files into the same index (the floor: what reading them costs; the store reads synchronously too, then replays its journal); the files were just written, so they are in the operating system's page cache (a cold start after a reboot reads them from disk). Memory: V8 heap used after a full GC with the store open minus before (the summaries and the index), (${fmtN(nLarge)}-case heap − ${nSmall}-case heap) ÷ ${fmtN(nLarge - nSmall)}. The server start-up rows are createGongzhi in this process (the store open plus registry, packs and scheduler).`,
        `History length: each event appends the case's whole record (instance, every history entry, outbox, idempotency answers) to the journal as one line, and a checkpoint rewrites its document, so its cost grows with the case's history. One case taken through ${fmtN(histLong)} loop events first, then ${histSample} more per sample, alternating with a new case's first ${histSample} events (${histRounds} rounds), in the ${nSmall}-case store.`,
        `Disk: file sizes (and blocks allocated, 4 KiB per small file on this file system) under \`instances/\` ÷ cases; the realistic case is started and taken through ASSIGN, RETURN, ASSIGN (designated), REPLY, RATE (satisfied) to \`closed\`.`,
      ],
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
