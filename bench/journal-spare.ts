/**
 * The journal's synced batches while it prepares a spare segment, two ways of writing the spare's zeros (issue 17):
 *   node --import tsx bench/journal-spare.ts [seconds per round, default 5] [rounds, default 4]
 * `a MiB at a time`: each MiB of zeros on the disk before the next is written (the file opened O_DSYNC) — the
 * journal's way. `ahead, one sync`: the 64 MiB written into the page cache, then one sync — the way before. Each round
 * runs the real Journal (server/store/journal.ts, fsync on) from a fresh folder: 20 writers (the HTTP benchmark's
 * connections) each append a ~1 KB line, wait for it, keep the main thread busy 200 µs (a request's work), and go
 * again; after 4 MiB of lines the journal prepares its first spare (64 MiB). Printed per round and as medians: the
 * appends' p99 and slowest while the spare was being prepared (`spare.tmp` present, polled every 5 ms) and over the
 * whole round, and the ratio of the slowest appends during preparation (ahead ÷ a MiB at a time). Not run by
 * `npm run bench`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { alternate, median, pairedRatio } from './measure';
import { WRITERS, appendLoad, quantile, withJournal } from './journal-load';

const seconds = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 4);
const BUSY_US = 200;

interface Round {
  /** Appends answered while the spare was being prepared: p99 and slowest (ms). */
  prepP99: number;
  prepMax: number;
  prepCount: number;
  /** All the round's appends. */
  p99: number;
  max: number;
  rate: number;
}

function round(spareChunks: boolean): Promise<Round> {
  return withJournal('journal-spare', { spareChunks }, async (j, dir) => {
    const all: number[] = [];
    const during: number[] = [];
    // spare.tmp present at the last poll, and when it was last seen: an append that began before then met it
    let preparing = false;
    let preparingSeen = -1;
    const poll = setInterval(() => {
      preparing = existsSync(join(dir, 'spare.tmp'));
      if (preparing) preparingSeen = performance.now();
    }, 5);
    const ms = await appendLoad(j, seconds, BUSY_US, (x, startedAt) => {
      all.push(x);
      if (preparing || preparingSeen >= startedAt) during.push(x);
    }).finally(() => clearInterval(poll));
    if (!during.length) throw new Error('journal-spare: no spare was prepared in the round (rounds too short?)');
    all.sort((a, b) => a - b);
    during.sort((a, b) => a - b);
    return {
      prepP99: quantile(during, 0.99),
      prepMax: during[during.length - 1],
      prepCount: during.length,
      p99: quantile(all, 0.99),
      max: all[all.length - 1],
      rate: (all.length / ms) * 1000,
    };
  });
}

const ways = [
  { label: 'a MiB at a time (the journal)', chunks: true },
  { label: 'ahead, one sync', chunks: false },
];
const figures: Round[][] = [[], []];
const series = await alternate(
  ways.map((w, i) => ({
    label: w.label,
    sample: async () => {
      const r = await round(w.chunks);
      console.log(
        `${w.label}: during the spare (${r.prepCount} appends) p99 ${r.prepP99.toFixed(1)} ms, slowest ${r.prepMax.toFixed(1)} ms; ` +
          `round p99 ${r.p99.toFixed(1)} ms, slowest ${r.max.toFixed(1)} ms, ${r.rate.toFixed(0)} appends/s`,
      );
      figures[i].push(r);
      return r.prepMax;
    },
  })),
  { rounds, warmup: 1 },
);
console.log(
  `${WRITERS} writers, ${BUSY_US} µs of main-thread work after each append, ${seconds} s rounds, ${rounds} rounds after 1 warm-up, order rotating`,
);
series.forEach((s, i) => {
  const m = figures[i].slice(1);
  const med = (f: (r: Round) => number) => median(m.map(f)).toFixed(1);
  console.log(
    `${s.label}: medians: during the spare p99 ${med((r) => r.prepP99)} ms, slowest ${med((r) => r.prepMax)} ms; ` +
      `round p99 ${med((r) => r.p99)} ms, slowest ${med((r) => r.max)} ms, ${med((r) => r.rate)} appends/s`,
  );
});
console.log(
  `slowest append during the spare's preparation, ahead ÷ a MiB at a time: median of the rounds' ratios ${pairedRatio(series[1], series[0]).toFixed(2)}`,
);
