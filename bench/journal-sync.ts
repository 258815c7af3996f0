/**
 * The journal's group commit with the main thread busy, two ways of syncing a batch (issue 17):
 *   node --import tsx bench/journal-sync.ts [busy µs per append, default 200] [seconds per round, default 4] [rounds, default 5]
 * `O_DSYNC`: the file opened O_DSYNC, one synced `writev` per batch (one job on libuv's pool) — the journal's way.
 * `writev + fdatasync`: two jobs per batch, and between them a hop back to the main thread, which waits behind
 * whatever the main thread is running. 20 writers (the HTTP benchmark's connections) each append a ~1 KB line, wait
 * for it, then keep the main thread busy for the given time (a request's work: ~200 µs in the server) before the next.
 * Both run the real Journal (server/store/journal.ts, fsync on, over prepared segments), alternating rounds; printed:
 * appends/s, latency p50/p99 per round, and the medians with the ratio. Not run by `npm run bench`.
 */
import { alternate, median, pairedRatio } from './measure';
import { WRITERS, appendLoad, quantile, withJournal } from './journal-load';

const busyUs = Number(process.argv[2] ?? 200);
const seconds = Number(process.argv[3] ?? 4);
const rounds = Number(process.argv[4] ?? 5);

function round(dsync: boolean): Promise<{ rate: number; p50: number; p99: number }> {
  return withJournal('journal-sync', { dsync }, async (j) => {
    const lat: number[] = [];
    const ms = await appendLoad(j, seconds, busyUs, (x) => lat.push(x));
    lat.sort((a, b) => a - b);
    return { rate: (lat.length / ms) * 1000, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
  });
}

const ways = [
  { label: 'O_DSYNC (the journal)', dsync: true },
  { label: 'writev + fdatasync', dsync: false },
];
/** Each way's rounds' latencies, warm-up included (alternate keeps only the measured rounds' rates). */
const latencies: { p50: number; p99: number }[][] = [[], []];
const series = await alternate(
  ways.map((w, i) => ({
    label: w.label,
    sample: async () => {
      const x = await round(w.dsync);
      console.log(`${w.label}: ${x.rate.toFixed(0)} appends/s, p50 ${x.p50.toFixed(2)} ms, p99 ${x.p99.toFixed(2)} ms`);
      latencies[i].push(x);
      return x.rate;
    },
  })),
  { rounds, warmup: 1 },
);
console.log(
  `${WRITERS} writers, ${busyUs} µs of main-thread work after each append, ${seconds} s rounds, ${rounds} rounds after 1 warm-up, order rotating`,
);
series.forEach((s, i) => {
  const measured = latencies[i].slice(1);
  console.log(
    `${s.label}: median ${s.median.toFixed(0)} appends/s, p50 ${median(measured.map((x) => x.p50)).toFixed(2)} ms, p99 ${median(measured.map((x) => x.p99)).toFixed(2)} ms`,
  );
});
console.log(
  `O_DSYNC / writev + fdatasync, appends/s: median of the rounds' ratios ${pairedRatio(series[0], series[1]).toFixed(2)}`,
);
