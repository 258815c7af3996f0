/**
 * Measuring against a peer on a noisy machine: the contenders run in the same process, alternating
 * (the order rotates each round), several rounds; each gets the median of its samples, and a ratio is
 * the median of the per-round ratios, so a slow spell hits both sides of a ratio alike.
 */
export interface Contender {
  label: string;
  /** One sample: a figure such as transitions/s or ms. */
  sample: () => Promise<number>;
}

export interface Series {
  label: string;
  samples: number[];
  median: number;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The nearest-rank `p`th percentile of `xs` (0 < p ≤ 100; `xs` is left as it is). */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Runs every contender once per round, rotating who goes first; `warmup` rounds are run and dropped. */
export async function alternate(contenders: Contender[], opts: { rounds: number; warmup?: number }): Promise<Series[]> {
  const samples = contenders.map(() => [] as number[]);
  const total = (opts.warmup ?? 0) + opts.rounds;
  for (let round = 0; round < total; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length;
      const value = await contenders[i].sample();
      if (round >= (opts.warmup ?? 0)) samples[i].push(value);
    }
  }
  return contenders.map((c, i) => ({ label: c.label, samples: samples[i], median: median(samples[i]) }));
}

/** Median of `a[i] / b[i]` over the rounds. */
export function pairedRatio(a: Series, b: Series): number {
  const n = Math.min(a.samples.length, b.samples.length);
  return median(Array.from({ length: n }, (_, i) => a.samples[i] / b.samples[i]));
}

/** Repeats `once` (which returns the units of work it did) for at least `ms`; returns units per second. */
export async function ratePerSecond(once: () => Promise<number> | number, ms: number, minRuns = 1): Promise<number> {
  let units = 0;
  let runs = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < ms || runs < minRuns) {
    units += await once();
    runs++;
    elapsed = performance.now() - t0;
  }
  return (units * 1000) / elapsed;
}

/** Milliseconds one call of `fn` takes. */
export async function timeMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
