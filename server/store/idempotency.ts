/**
 * How long the answer to an `Idempotency-Key` is kept: the contract says nothing is applied twice, so a case keeps
 * every key it answered within the retention (24 h by default, never less; GONGZHI_IDEMPOTENCY_RETENTION_HOURS),
 * however many there are. Older ones are dropped when the case is next written.
 */
import type { IdempotencyRecord } from './types';

export const DEFAULT_IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
export const MIN_IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * The keys a case keeps after a write at `now`: those answered within the retention, plus `added`. The records kept
 * are the same objects as before (the journal writes only what was added and how many were dropped).
 */
export function keptIdempotency(
  prev: readonly IdempotencyRecord[],
  added: IdempotencyRecord | undefined,
  now: string,
  retentionMs = DEFAULT_IDEMPOTENCY_RETENTION_MS,
): IdempotencyRecord[] {
  const cutoff = Date.parse(now) - Math.max(retentionMs, MIN_IDEMPOTENCY_RETENTION_MS);
  // answers are appended in time order: drop from the front while they are past the retention
  let drop = 0;
  while (drop < prev.length && Date.parse(prev[drop].at) < cutoff) drop++;
  const kept = drop ? prev.slice(drop) : [...prev];
  if (added) kept.push(added);
  return kept;
}

/** The retention from the environment (hours), or the default; below the minimum is refused. */
export function retentionFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_IDEMPOTENCY_RETENTION_MS;
  const hours = Number(value);
  if (!Number.isFinite(hours) || hours * 3_600_000 < MIN_IDEMPOTENCY_RETENTION_MS) {
    throw new Error(
      `GONGZHI_IDEMPOTENCY_RETENTION_HOURS 应为不少于 24 的小时数 / must be a number of hours, at least 24: ${value}`,
    );
  }
  return hours * 3_600_000;
}
