/**
 * The server of the checkpoint and memory benchmark (bench/checkpoint.ts), in its own process:
 *   node --import tsx bench/checkpoint-server.ts <dataDir>
 * Opens the real server (startServer, embedded file store, fsync on) on a data folder already holding its cases,
 * with the checkpoint's own triggers off (so the benchmark says when one runs), and prints one JSON line
 * `{url, token, ids}`. Then answers commands on stdin, one JSON line each (on fd 3, a pipe the benchmark opens):
 *   dirty       every stored case written again (get + put: a journal line each), so all of them wait for a checkpoint
 *   checkpoint  runs a checkpoint; answers when it is done, with its duration and the documents written
 *   memory      RSS and V8 heap after a full GC, and what the store holds
 * Exits when stdin ends (closing the server).
 */
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, PerformanceObserver, constants as perf } from 'node:perf_hooks';
import { ADMIN, GRID_DATA, NOW } from './grid-event';
import type { EmbeddedStore } from '../server/store/embedded';
import type { FileInstanceStore } from '../server/store';

const [dataDir, mode] = process.argv.slice(2);
const { startServer } = await import('../server/app');
const auto = mode === 'auto'; // the default triggers (60 s, 64 MiB, 20,000 records): the memory run
const srv = await startServer({
  port: 0,
  dataDir,
  packsDir: 'configs/packs',
  adminToken: 'bench-admin',
  controlledClock: true,
  now: NOW,
  quiet: true,
  log: () => {},
  fsync: process.env.BENCH_FSYNC !== '0',
  ...(auto ? {} : { checkpoint: { ms: 1e9, bytes: 1e15, records: 1e9, heldChars: 1e15 } }),
});
const records = (srv.deps.store as EmbeddedStore).records as FileInstanceStore;
const ids = records.summaries().map((s) => s.id);
// the answers go out on fd 3, a pipe of their own: stdout is left to V8's tracing (BENCH_SERVER_FLAGS=--trace-gc-nvp),
// which would otherwise cut into a line
const out = new Socket({ fd: 3, readable: false, writable: true });
out.write(`${JSON.stringify({ url: srv.url, token: srv.adminToken, ids })}\n`);
const say = (o: Record<string, unknown>) => out.write(`${JSON.stringify(o)}\n`);

/** The mean JSON length of up to 500 records held (dirty and clean), taken evenly. */
function heldJson(): number {
  const maps = records as unknown as { dirty: Map<string, unknown>; clean: Map<string, unknown> };
  const all = [...maps.dirty.values(), ...maps.clean.values()];
  if (!all.length) return 0;
  const step = Math.max(1, Math.floor(all.length / 500));
  let bytes = 0;
  let n = 0;
  for (let i = 0; i < all.length; i += step, n++) bytes += JSON.stringify(all[i]).length;
  return bytes / n;
}

let peak = 0;
setInterval(() => (peak = Math.max(peak, records.held.dirty)), 20).unref();
function takePeak(): number {
  const p = Math.max(peak, records.held.dirty);
  peak = 0;
  return p;
}

const gc = (globalThis as { gc?: () => void }).gc;
async function memory() {
  gc?.();
  await new Promise((r) => setTimeout(r, 50));
  gc?.();
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    held: records.held ?? { dirty: -1, clean: -1 },
    // the most records waiting for their documents at any moment since the last sample (sampled every 20 ms), and the
    // writes the store's hard bound has held back so far (count, ms in all)
    peakDirty: takePeak(),
    heldBack: { ...records.held_back },
    heldJson: heldJson(),
    cases: records.summaries().length,
  };
}

// the journal's batches (one synced writev each, O_DSYNC), timed: how long a group commit keeps its events waiting
const journal = (records as unknown as { journal: { flush: (batch: unknown) => Promise<unknown> } }).journal;
const flush = journal.flush.bind(journal);
let flushes = { n: 0, max: 0, total: 0 };
journal.flush = async (batch: unknown) => {
  const t0 = performance.now();
  try {
    return await flush(batch);
  } finally {
    const ms = performance.now() - t0;
    flushes.n++;
    flushes.total += ms;
    flushes.max = Math.max(flushes.max, ms);
  }
};
// the CPU time the server's threads got (user + system) against the wall time: on a shared machine, how much of a core
// it was given while its requests waited
let cpuFrom = { cpu: process.cpuUsage(), at: performance.now() };
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
// garbage collection pauses (the main thread's share of each collection), per kind: what part of the event loop's
// longest delay is the collector's
const MAJOR = perf.NODE_PERFORMANCE_GC_MAJOR;
// …and by their flags: 32 (kGCCallbackFlagCollectAllExternalMemory) marks a collection V8 started because memory
// outside its heap (ArrayBuffers: Buffers) grew; `long` lists every pause over 40 ms as [ms into the window, kind,
// flags, ms, heap used MB] (BENCH_DEBUG prints it)
// (the kinds are V8's GCType bits: 1 scavenge, 2 minor mark-compact, 4 major mark-sweep-compact, 8 incremental
// marking, 16 weak callbacks)
const KINDS: Record<number, string> = {
  [perf.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  2: 'minor-mc',
  [perf.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [perf.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [perf.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
let gcs = { n: 0, max: 0, total: 0, majorN: 0, majorMax: 0, majorTotal: 0, external: 0, long: [] as unknown[] };
let windowFrom = performance.now();
// GC pauses of the window as [start, ms] (their entries arrive after the pause: matched to the holds when asked)
let pauses: [number, number][] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    pauses.push([e.startTime, e.duration]);
    const detail = (e as unknown as { detail?: { kind?: number; flags?: number } }).detail;
    const major = detail?.kind === MAJOR;
    if ((detail?.flags ?? 0) & 32) gcs.external++;
    if (e.duration > 40)
      gcs.long.push([
        Math.round(e.startTime - windowFrom),
        KINDS[detail?.kind ?? 0] ?? detail?.kind,
        detail?.flags,
        Math.round(e.duration),
        Math.round(process.memoryUsage().heapUsed / 2 ** 20),
      ]);
    gcs.n++;
    gcs.total += e.duration;
    gcs.max = Math.max(gcs.max, e.duration);
    if (major) {
      gcs.majorN++;
      gcs.majorTotal += e.duration;
      gcs.majorMax = Math.max(gcs.majorMax, e.duration);
    }
  }
}).observe({ entryTypes: ['gc'] });
// the main thread's own scheduling (Linux: /proc/thread-self/schedstat, ns on a core and ns runnable but waiting for
// one): whether a hold of the event loop was work on the main thread or the main thread waiting for a core (the machine
// has 2, shared with the load generator, the checkpoint's writer threads, V8's helper threads and other processes)
const schedstat = (): [number, number] | null => {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ');
    return [Number(run) / 1e6, Number(wait) / 1e6];
  } catch {
    return null; // not Linux
  }
};
let schedFrom = schedstat();
/** The longest hold of the event loop in the window (over 100 ms): from, length, and of it ms on a core and waiting. */
let hold = { from: 0, ms: 0, cpu: 0, wait: 0 };
let tick = { at: performance.now(), sched: schedFrom };
setInterval(() => {
  const now = { at: performance.now(), sched: schedstat() };
  const ms = now.at - tick.at;
  if (ms > 100 && ms > hold.ms && now.sched && tick.sched)
    hold = { from: tick.at, ms, cpu: now.sched[0] - tick.sched[0], wait: now.sched[1] - tick.sched[1] };
  tick = now;
}, 10).unref();
/** The main thread since `from` (a schedstat reading): ms on a core, ms waiting for one, ms of wall time. */
function mainSince(from: [number, number] | null) {
  const now = schedstat();
  return from && now ? { cpu: now[0] - from[0], wait: now[1] - from[1], ms: performance.now() - cpuFrom.at } : null;
}
/** The longest hold, with the GC pauses within it (ms in all). */
function longestHold() {
  const gc = pauses.filter(([at]) => at >= hold.from && at < hold.from + hold.ms).reduce((sum, [, ms]) => sum + ms, 0);
  return { ms: hold.ms, cpu: hold.cpu, wait: hold.wait, gc };
}
const rl = createInterface({ input: process.stdin });
rl.on('line', async (cmd) => {
  const reply = (o: Record<string, unknown>) => say({ cmd, ...o });
  if (cmd === 'dirty') {
    const t0 = performance.now();
    for (let i = 0; i < ids.length; i += 256) {
      await Promise.all(
        ids.slice(i, i + 256).map(async (id) => {
          const rec = await records.get(id);
          if (rec) await records.put(rec);
        }),
      );
    }
    reply({ dirty: records.held?.dirty, ms: performance.now() - t0 });
  } else if (cmd === 'checkpoint') {
    const n = records.held?.dirty;
    const t0 = performance.now();
    await records.checkpoint();
    reply({ checkpoint: n, ms: performance.now() - t0 });
  } else if (cmd === 'progress') {
    reply({ dirty: records.held.dirty });
  } else if (cmd === 'delay') {
    // the event loop's delays since the last ask (ms): how long the main thread was kept from its callbacks
    reply({
      max: delay.max / 1e6,
      p99: delay.percentile(99) / 1e6,
      mean: delay.mean / 1e6,
      journal: { batches: flushes.n, maxMs: flushes.max, meanMs: flushes.total / (flushes.n || 1) },
      gc: gcs,
      heapUsed: process.memoryUsage().heapUsed,
      external: process.memoryUsage().external,
      cpu: (({ user, system }) => (user + system) / 1000 / (performance.now() - cpuFrom.at))(
        process.cpuUsage(cpuFrom.cpu),
      ),
      load: loadavg()[0],
      // the main thread in the window: ms on a core and ms waiting for one; and its longest hold, split
      main: mainSince(schedFrom),
      hold: longestHold(),
      // the records waiting for their documents, and of them held as text (the rest as objects)
      held: { dirty: records.held.dirty, cold: records.held.cold },
    });
    schedFrom = schedstat();
    hold = { from: 0, ms: 0, cpu: 0, wait: 0 };
    pauses = [];
    cpuFrom = { cpu: process.cpuUsage(), at: performance.now() };
    delay.reset();
    flushes = { n: 0, max: 0, total: 0 };
    gcs = { n: 0, max: 0, total: 0, majorN: 0, majorMax: 0, majorTotal: 0, external: 0, long: [] };
    windowFrom = performance.now();
  } else if (cmd === 'memory') {
    reply(await memory());
  } else if (cmd === 'start') {
    // one creation through the service, as a template for the benchmark's set-up
    const r = await srv.deps.cases.start(ADMIN, { pack: 'national', procedure: 'grid-event', data: GRID_DATA });
    reply({ started: r.instance.id });
  }
});
rl.on('close', async () => {
  await srv.close();
  process.exit(0);
});
