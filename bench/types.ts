/** What every benchmark module (`bench/<name>.ts`) returns from `run({ quick })`; the runner prints and reports it. */
export interface BenchRow {
  label: string;
  value: number;
  unit: string;
}

export interface BenchRatio {
  label: string;
  value: number;
  /** The target as written in the issue, e.g. `≥ 0.5`. */
  target?: string;
  met?: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  rows: BenchRow[];
  ratios: BenchRatio[];
  /** Causes of a missed target, what the figures include, how peers differ. */
  notes?: string[];
}

export interface BenchOptions {
  /** Tiny sizes for the smoke tests: figures, not measurements. */
  quick: boolean;
}

export type BenchModule = { run(opts: BenchOptions): Promise<BenchResult> };
