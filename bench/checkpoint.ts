/**
 * Checkpoints under load, and memory under a long mixed load, at 300,000 stored cases (issue 17).
 *
 * 1. Stalls: the real server (bench/checkpoint-server.ts, fsync on) on 300,000 grid-event cases, its checkpoint
 *    triggers off. Events (the ASSIGN/RETURN loop on cases drawn in turn from all 300,000: mostly reads of documents
 *    not in memory) are sent in 5 s windows at 100 and at 500 connections, alternating: first with no checkpoint
 *    running (the peer), then — after every case was written again, so all 300,000 wait for their documents — while
 *    one checkpoint writes all 300,000 documents. Reported: the slowest answer and p99 of each, and their ratios.
 * 2. Memory: the same folder opened by the server with its default checkpoint triggers; RSS and V8 heap at rest
 *    (after a full GC), then under a mixed load (3 events : 1 read : 1 creation per connection cycle, 20 connections)
 *    for BENCH_MEMORY_MINUTES (default 15; --quick: a few seconds), sampled every minute; what the store holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openGongzhi, populate } from './store';
import { CasePool, load, stateOf, type LoadFigures } from './http-load';
import { mixed, server } from './checkpoint-load';
import { ADMIN, GRID_DATA } from './grid-event';
import { median } from './measure';
import type { EmbeddedStore } from '../server/store/embedded';
import type { BenchOptions, BenchResult, BenchRow } from './types';

const TARGET_MAX_MS = 250;
/** The store's hard bound on the records waiting for their documents, by default: 2 × the 20,000 trigger. */
const HOLD_RECORDS = 40_000;
const MiB = 1024 * 1024;

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const cases = opts.quick ? 3000 : Number(process.env.BENCH_CHECKPOINT_CASES ?? 300_000);
  const seconds = opts.quick ? 1 : 5;
  const minutes = opts.quick ? 0.1 : Number(process.env.BENCH_MEMORY_MINUTES ?? 15);
  const dataDir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-checkpoint-'));
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  try {
    // set-up: one real case through the service, the rest copies of its record (as the store benchmark does)
    const t0 = performance.now();
    const g = await openGongzhi(dataDir, false);
    const started = await g.deps.cases.start(ADMIN, { pack: 'national', procedure: 'grid-event', data: GRID_DATA });
    const template = (await (g.deps.store as EmbeddedStore).records.get(started.instance.id))!;
    await g.close();
    populate(join(dataDir, 'instances'), template, cases - 1);
    const setupMs = performance.now() - t0;

    // 1. stalls
    let c = await server(dataDir, 'manual');
    const pool = new CasePool(c.ids);
    type Window = LoadFigures & {
      loopMax: number;
      clientLoopMax: number;
      batchMax: number;
      gcMax: number;
      gcShare: number;
      cpu: number;
      load: number;
      /** The main thread's time waiting for a core (runnable, not running) over the window's length. */
      mainWait: number;
      /** The window's longest hold of the event loop (> 100 ms; else 0), and of it ms waiting for a core and in GC. */
      hold: { ms: number; cpu: number; wait: number; gc: number };
    };
    const window = async (conns: number): Promise<Window> => {
      await c.ask('delay');
      // the load generator's own event loop (this process holds the pool of every case id): a delay here is counted
      // in the answers' latencies too, though the server answered in time
      const client = monitorEventLoopDelay({ resolution: 5 });
      client.enable();
      const f = await load(c.url, c.token, pool, conns, seconds);
      client.disable();
      const d = (await c.ask('delay')) as {
        max: number;
        journal: { maxMs: number };
        gc: { max: number; total: number };
        cpu: number;
        load: number;
        main: { cpu: number; wait: number; ms: number } | null;
        hold: { ms: number; cpu: number; wait: number; gc: number };
      };
      if (process.env.BENCH_DEBUG)
        console.error(
          conns,
          done ? 'after' : 'window',
          Math.round(f.max),
          Math.round(f.p99),
          Math.round(f.rps),
          'first/open',
          Math.round(f.firstMax),
          Math.round(f.openMax),
          'client loop delay',
          Math.round(client.max / 1e6),
          'loop delay',
          JSON.stringify(d),
        );
      await new Promise((r) => setTimeout(r, 200));
      await pool.settle((id) => stateOf(c.url, c.token, id));
      if (f.failures) throw new Error(`checkpoint bench: ${f.failures} requests failed at ${conns} connections`);
      return {
        ...f,
        loopMax: d.max,
        clientLoopMax: client.max / 1e6,
        batchMax: d.journal.maxMs,
        gcMax: d.gc.max,
        gcShare: d.gc.total / (seconds * 1000),
        cpu: d.cpu,
        load: d.load,
        mainWait: d.main ? d.main.wait / d.main.ms : Number.NaN,
        hold: d.hold,
      };
    };
    let done: Record<string, unknown> | null = null;
    const quiet: Record<number, Window[]> = { 100: [], 500: [] };
    const during: Record<number, Window[]> = { 100: [], 500: [] };
    await window(100); // warm-up
    for (let r = 0; r < (opts.quick ? 1 : 3); r++) for (const n of [100, 500]) quiet[n].push(await window(n));
    const dirty = await c.ask('dirty');
    const cp = c.send('checkpoint').then((o) => (done = o));
    // windows while it runs (at most 3 of each: the rest of a long checkpoint runs without load)
    for (let k = 0; !done && k < 6; k++) {
      const n = k % 2 ? 500 : 100;
      const f = await window(n);
      during[n].push(f);
    }
    // a checkpoint of 300,000 documents with fsync takes many minutes on this machine: once the windows are measured,
    // how far it got is noted and the server is killed (its folder is not used again)
    const left = done ? 0 : ((await c.ask('progress')) as { dirty: number }).dirty;
    const cpDone = (done ?? { checkpoint: (dirty as { dirty: number }).dirty, ms: Number.NaN }) as {
      checkpoint: number;
      ms: number;
    };
    await c.kill();

    const worst = (
      fs: Window[],
      k: 'max' | 'firstMax' | 'openMax' | 'loopMax' | 'clientLoopMax' | 'batchMax' | 'gcMax' = 'max',
    ) => (fs.length ? Math.max(...fs.map((f) => f[k])) : Number.NaN);
    /** The window whose event loop was held longest: that hold, split. */
    const held = (fs: Window[]) =>
      fs.reduce((a, f) => (f.hold.ms > a.ms ? f.hold : a), { ms: 0, cpu: 0, wait: 0, gc: 0 });
    const med = (fs: Window[], k: 'p99' | 'rps' | 'gcShare' | 'cpu' | 'load' | 'mainWait') =>
      fs.length ? median(fs.map((f) => f[k])) : Number.NaN;
    for (const n of [100, 500]) {
      rows.push(
        ...(
          [
            ['no checkpoint running', quiet[n]],
            ['while the checkpoint runs', during[n]],
          ] as const
        ).flatMap(([what, ws]) => [
          { label: `${n} connections, ${what}: slowest answer`, value: worst(ws), unit: 'ms' },
          { label: '  slowest answer on an open connection', value: worst(ws, 'openMax'), unit: 'ms' },
          {
            label: '  slowest first answer of a connection (its TCP set-up and accept included)',
            value: worst(ws, 'firstMax'),
            unit: 'ms',
          },
          { label: '  p99 (median of windows)', value: med(ws, 'p99'), unit: 'ms' },
          { label: '  requests/s (median of windows)', value: med(ws, 'rps'), unit: 'req/s' },
          { label: '  server: longest event-loop delay', value: worst(ws, 'loopMax'), unit: 'ms' },
          {
            label: '  client (the load generator): longest event-loop delay',
            value: worst(ws, 'clientLoopMax'),
            unit: 'ms',
          },
          { label: '  server: longest garbage-collection pause', value: worst(ws, 'gcMax'), unit: 'ms' },
          {
            label: '  server: share of the time in garbage collection (median of windows)',
            value: 100 * med(ws, 'gcShare'),
            unit: '%',
          },
          {
            label: '  server: slowest journal batch (its synced write, as the events saw it)',
            value: worst(ws, 'batchMax'),
            unit: 'ms',
          },
          {
            label: '  server: its longest hold of the event loop (over 100 ms): its main thread on a core in it',
            value: held(ws).cpu,
            unit: 'ms',
          },
          {
            label: '  server: the same hold: its main thread waiting for a core (runnable, not running)',
            value: held(ws).wait,
            unit: 'ms',
          },
          { label: '  server: the same hold: GC pauses within it', value: held(ws).gc, unit: 'ms' },
          {
            label: '  server: main thread waiting for a core / wall time (median of windows)',
            value: 100 * med(ws, 'mainWait'),
            unit: '%',
          },
          {
            label: '  server: CPU time its threads got / wall time (median of windows)',
            value: 100 * med(ws, 'cpu'),
            unit: '% of a core',
          },
          { label: '  machine: load average (1 min) at the windows’ end (median)', value: med(ws, 'load'), unit: '' },
          { label: '  windows measured', value: ws.length, unit: 'windows' },
        ]),
      );
    }
    rows.push(
      { label: 'checkpoint: documents to write', value: cpDone.checkpoint, unit: 'documents' },
      { label: '  written by the end of the windows', value: cpDone.checkpoint - left, unit: 'documents' },
      ...(done ? [{ label: '  its duration (under the load above)', value: cpDone.ms, unit: 'ms' }] : []),
      {
        label: 'writing every case again before it (journal only; no load)',
        value: (dirty as { ms: number }).ms,
        unit: 'ms',
      },
    );

    // 2. memory: a fresh folder of the same cases (the first was left mid-checkpoint)
    const memDir = join(dataDir, 'memory');
    const g2 = await openGongzhi(memDir, false);
    await g2.close();
    populate(join(memDir, 'instances'), template, cases);
    c = await server(memDir, 'auto');
    const mpool = new CasePool(c.ids);
    type Memory = {
      rss: number;
      heapUsed: number;
      held: { dirty: number; clean: number };
      /** Mean JSON length of a sample of the records held. */
      heldJson: number;
      cases: number;
      /** The most records waiting at any moment since the sample before (the server samples every 20 ms). */
      peakDirty: number;
      /** Writes the store's hard bound held back so far, and their waits in all (ms). */
      heldBack: { writes: number; ms: number };
    };
    const rest = (await c.ask('memory')) as Memory;
    const samples: (Memory & { at: number })[] = [];
    let created = 0;
    let requests = 0;
    const tEnd = performance.now() + minutes * 60_000;
    while (performance.now() < tEnd) {
      const secs = Math.max(1, Math.min(60, Math.round((tEnd - performance.now()) / 1000)));
      if (process.env.BENCH_DEBUG) console.error('mixed', secs);
      const m = await mixed(c, mpool, 20, secs);
      if (process.env.BENCH_DEBUG) console.error('mixed done', m);
      if (m.failures) throw new Error(`checkpoint bench (memory): ${m.failures} requests failed`);
      created += m.created;
      requests += m.rps * secs;
      samples.push({ at: minutes * 60_000 - (tEnd - performance.now()), ...((await c.ask('memory')) as Memory) });
    }
    await c.stop();
    if (!samples.length) samples.push({ at: 0, ...rest });
    // the samples nearest a third, two thirds and the end of the load (5, 10 and 15 min of a 15-minute run)
    const near = (ms: number) =>
      samples.reduce((best, s) => (Math.abs(s.at - ms) < Math.abs(best.at - ms) ? s : best), samples[0]);
    const marks = [near((minutes * 60_000) / 3), near((2 * minutes * 60_000) / 3), samples[samples.length - 1]];
    const [first, , last] = marks;
    const peak = Math.max(...samples.map((s) => s.rss));
    const peakUpTo = (m: { at: number }) => Math.max(...samples.filter((s) => s.at <= m.at).map((s) => s.peakDirty));
    // the flat bound, judged on halves of the load (by samples): the highest heap beyond the cases' share in the second
    // half against the first (a sample lands anywhere in a checkpoint's cycle, 0 to 20,000 records waiting; the highest of several
    // is the cycle's top, which is what must not grow)
    const half = (k: number) => {
      const cut = Math.floor(samples.length / 2);
      return k ? samples.slice(cut) : samples.slice(0, cut);
    };
    const top = (ss: Memory[]) => (ss.length ? Math.max(...ss.map((s) => beyond(s))) : Number.NaN);
    // what grows with the cases: the heap at rest (summaries, indexes, armed deadlines; nothing else is held then)
    // over the cases; what the load holds beyond that is the rest of the heap
    const perCase = rest.heapUsed / rest.cases;
    const beyond = (s: Memory) => s.heapUsed - perCase * s.cases;
    const min = (s: { at: number }) => `${(s.at / 60_000).toFixed(1)} min`;
    rows.push(
      { label: `memory at rest, ${cases.toLocaleString('en-US')} cases: RSS`, value: rest.rss / MiB, unit: 'MiB' },
      { label: '  V8 heap used (after a full GC)', value: rest.heapUsed / MiB, unit: 'MiB' },
      { label: '  per case (heap at rest / cases)', value: perCase, unit: 'bytes' },
      ...marks.flatMap((s) => [
        { label: `after ${min(s)} of mixed load: RSS`, value: s.rss / MiB, unit: 'MiB' },
        { label: '  cases by then (creations included)', value: s.cases, unit: 'cases' },
        { label: '  V8 heap used (after a full GC)', value: s.heapUsed / MiB, unit: 'MiB' },
        { label: '  heap beyond the cases’ share (per case × cases)', value: beyond(s) / MiB, unit: 'MiB' },
        { label: '  records held: waiting for their documents', value: s.held.dirty, unit: 'records' },
        { label: '  records held: kept for reads', value: s.held.clean, unit: 'records' },
        { label: '  records held: mean size as JSON', value: s.heldJson / 1024, unit: 'KiB' },
        { label: '  most records waiting at any moment so far (every 20 ms)', value: peakUpTo(s), unit: 'records' },
        { label: '  writes held back by the bound so far', value: s.heldBack?.writes ?? 0, unit: 'writes' },
        {
          label: '  … their mean wait',
          value: s.heldBack?.writes ? s.heldBack.ms / s.heldBack.writes : 0,
          unit: 'ms',
        },
      ]),
      { label: 'highest RSS sampled during the load', value: peak / MiB, unit: 'MiB' },
      { label: 'mixed load: requests answered', value: requests, unit: 'requests' },
      { label: 'mixed load: cases created', value: created, unit: 'cases' },
      { label: `set-up: ${cases.toLocaleString('en-US')} cases written`, value: setupMs, unit: 'ms' },
    );
    notes.push(
      `Memory samples (min: RSS MiB / heap MiB / heap beyond the cases' share MiB / cases / records waiting, most since the sample before, kept): ${samples.map((s) => `${(s.at / 60_000).toFixed(1)}: ${(s.rss / MiB).toFixed(0)} / ${(s.heapUsed / MiB).toFixed(0)} / ${(beyond(s) / MiB).toFixed(0)} / ${s.cases} / ${s.held.dirty}, ${s.peakDirty}, ${s.held.clean}`).join(' · ')}.`,
    );
    const [firstHalf, secondHalf] = [0, 1].map(half);
    const flat = top(secondHalf) / top(firstHalf);
    const mostWaiting = Math.max(...samples.map((s) => s.peakDirty));
    const max100 = worst(during[100]);
    const max500 = worst(during[500]);
    // the target is about what a checkpoint does to requests: judged on answers over open connections; a connection's
    // first answer also holds its TCP set-up and its wait to be accepted, reported beside it (bench/PROFILE.md, "A
    // connection's first answer")
    const open100 = worst(during[100], 'openMax');
    return {
      name: 'checkpoint',
      title: `检查点与内存 Checkpoints under load and memory under a long load (${cases.toLocaleString('en-US')} cases)`,
      rows,
      ratios: [
        {
          label: `slowest answer on an open connection at 100 connections during the checkpoint / ${TARGET_MAX_MS} ms`,
          value: open100 / TARGET_MAX_MS,
          target: '< 1',
          met: open100 < TARGET_MAX_MS,
        },
        {
          label: `slowest answer at 100 connections during the checkpoint, connections' first answers included / ${TARGET_MAX_MS} ms`,
          value: max100 / TARGET_MAX_MS,
        },
        {
          label: 'slowest answer at 100 connections: during the checkpoint / none running',
          value: max100 / worst(quiet[100]),
        },
        {
          label: 'slowest answer at 500 connections: during the checkpoint / none running',
          value: max500 / worst(quiet[500]),
        },
        {
          label: `heap beyond the cases’ share: highest in the second half of the load / in the first (${secondHalf.length} and ${firstHalf.length} samples)`,
          value: flat,
          target: '≤ 1.1',
          met: flat <= 1.1,
        },
        {
          label: `records waiting for their documents: most at any moment / the store's hard bound (${HOLD_RECORDS.toLocaleString('en-US')})`,
          value: mostWaiting / HOLD_RECORDS,
          target: '≤ 1',
          met: mostWaiting <= HOLD_RECORDS,
        },
        {
          label: `heap beyond the cases’ share: after ${min(last)} / after ${min(first)} of load`,
          value: beyond(last) / beyond(first),
        },
        {
          label: `RSS: after ${min(last)} / after ${min(first)} of load (cases ×${(last.cases / first.cases).toFixed(2)})`,
          value: last.rss / first.rss,
        },
      ],
      notes: [
        `Cases: national grid-event, one started through the case service and ${(cases - 1).toLocaleString('en-US')} copies of its record written as documents (the store benchmark's set-up). Server: bench/checkpoint-server.ts (startServer, embedded file store, fsync on) in its own process; autocannon in the benchmark process; the client and the server share the machine's 2 cores with whatever else runs.`,
        `Stalls: events as in the http benchmark (ASSIGN/RETURN loop, a case never in flight twice), the cases taken in turn from all ${cases.toLocaleString('en-US')}, so nearly every event reads its case's document (the read cache holds 5,000). ${seconds} s windows. "No checkpoint running": the checkpoint triggers are off. Then every case is written again (a journal line each) and one checkpoint writes all of them while windows at 100 and 500 connections alternate until it ends. Slowest answer = the maximum over the windows; latency measured in the client, from the moment autocannon builds the request. Each window opens its connections afresh, so each connection's first answer also holds its TCP set-up and its wait in the listening socket's accept queue: reported apart (\"first answer of a connection\"), and the target is judged on the answers over open connections, which is what a checkpoint can stall. The checkpoint's writer threads run at nice 19 (server/store/checkpoint-writer.ts).`,
        `Memory: the same folder opened with the default triggers (a checkpoint every 60 s, at 64 MiB of journal, or when 20,000 records wait for their documents). Mixed load: 20 connections, each cycling event, read (GET a random case), event, creation, event; ${minutes} min in total; RSS and heap sampled after a forced full GC between 60 s runs. The mixed load creates cases (there is no deletion), so the case count grows with its length: what grows with the cases is the heap at rest over its cases (summaries, indexes, armed deadlines: nothing else is held at rest), and what the load holds is the heap beyond that share — the records waiting for a checkpoint (the 20,000 trigger plus what arrives while one runs; at most ${HOLD_RECORDS.toLocaleString('en-US')}: beyond that, writes wait for the checkpoint) and the read cache (5,000 records), compiled procedures. The flat bound is judged on the highest heap beyond the cases' share in the second half of the load against the first half (a sample lands anywhere in a checkpoint's cycle).`,
        "Server-side figures per window (bench/checkpoint-server.ts): the event loop's longest delay (perf_hooks monitorEventLoopDelay, 5 ms resolution: how long callbacks waited for the main thread) the slowest journal batch (its flush timed from the main thread: writev and fdatasync, including the waits for the event loop between them), and the main thread's own scheduling (Linux /proc/thread-self/schedstat): its time waiting for a core while runnable, and for the window's longest hold of the event loop (a 10 ms timer late by over 100 ms) how much of it the main thread was on a core, waiting for one, and in GC pauses — a hold with little time on a core is the machine's cores taken by other threads (the load generator, the checkpoint's writers, V8's GC helper threads, other processes), not work on the main thread.",
        ...notes,
      ],
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
