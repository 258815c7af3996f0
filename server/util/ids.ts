/**
 * Ids. Case ids: lowercase base-36, sorting by creation (time, then a counter), ending in random characters (the
 * shard). Ids of other things have a prefix saying what they are (`newId`), then the same shape.
 */
import { randomBytes, randomFillSync, createHash } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/**
 * Random bytes for the ids' last characters, drawn from the operating system's CSPRNG 6 KiB at a time: one
 * `randomFillSync` per 1,024 ids. A call per id cost the creation path ~17 µs under load (bench/PROFILE.md, third pass).
 */
const POOL = Buffer.alloc(6 * 1024);
let pooled = POOL.length;
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

function randomChars(): string {
  if (pooled + 6 > POOL.length) {
    randomFillSync(POOL);
    pooled = 0;
  }
  let s = '';
  for (let i = pooled; i < pooled + 6; i++) s += BASE36[POOL[i] % 36];
  pooled += 6;
  return s;
}

function timeSortedId(): string {
  const ms = Math.max(Date.now(), lastMs);
  seq = ms === lastMs ? seq + 1 : 0;
  lastMs = ms;
  return ms.toString(36).padStart(9, '0') + seq.toString(36).padStart(4, '0') + randomChars();
}

export function newCaseId(): string {
  return timeSortedId();
}

/** The id of a token (`tk…`), a webhook subscription (`wh…`) or a webhook delivery (`d…`). */
export function newId(prefix: 'tk' | 'wh' | 'd'): string {
  return prefix + timeSortedId();
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, so equal values hash equally. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
