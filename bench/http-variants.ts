/**
 * The experiments behind bench/SERVER-NOTES.md: the HTTP benchmark's load on the server as it is and on the
 * same server with the store changes of bench/server-variants.ts patched in, alternating, plus the server with
 * its in-memory store (no disk: what the rest of the server costs). Not run by `npm run bench`.
 *   node --import tsx bench/http-variants.ts [seconds] [rounds]
 */
import { gongzhiServer } from './http-load';
import { alternate, median, pairedRatio } from './measure';

const seconds = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 5);
const variants: [string, Parameters<typeof gongzhiServer>[1], string][] = [
  ['as is (file store, fsync on)', 'fsync', ''],
  ['+ cache', 'fsync', 'cache'],
  ['+ worker-write', 'fsync', 'worker-write'],
  ['+ cache + worker-write', 'fsync', 'cache,worker-write'],
  ['+ cache + append-log (prototype)', 'fsync', 'cache,worker-write,append-log'],
  ['in-memory store (no disk)', 'memory', ''],
];
const servers = [];
for (const [, storage, v] of variants)
  servers.push(await gongzhiServer(3000, storage, [], v ? { GONGZHI_BENCH_VARIANTS: v } : {}));
try {
  const p99s = variants.map(() => [] as number[]);
  const series = await alternate(
    servers.map((srv, i) => ({
      label: variants[i][0],
      sample: async () => {
        const f = await srv.run(20, seconds);
        if (f.failures) throw new Error(`${variants[i][0]}: ${f.failures} failures`);
        p99s[i].push(f.p99);
        return f.rps;
      },
    })),
    { rounds, warmup: 1 },
  );
  console.log(
    `20 connections, ${seconds} s per sample, ${rounds} rounds after 1 warm-up; median req/s, p99, ratio to "as is"`,
  );
  series.forEach((s, i) =>
    console.log(
      `${s.label.padEnd(32)} ${s.median.toFixed(0).padStart(6)} req/s  p99 ${median(p99s[i].slice(1)).toFixed(1).padStart(6)} ms  ×${pairedRatio(s, series[0]).toFixed(2)}`,
    ),
  );
} finally {
  await Promise.allSettled(servers.map((s) => s.stop()));
}
