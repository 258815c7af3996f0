/**
 * Ids. Case ids: lowercase base-36, sorting by creation (time, then a counter), ending in random characters (the
 * shard). Ids of other things have a prefix saying what they are (`newId`), then the same shape.
 */
import { randomBytes, createHash } from 'node:crypto';

let lastMs = 0;
let seq = 0;

function timeSortedId(): string {
  const ms = Math.max(Date.now(), lastMs);
  seq = ms === lastMs ? seq + 1 : 0;
  lastMs = ms;
  const rand = [...randomBytes(6)].map((b) => (b % 36).toString(36)).join('');
  return ms.toString(36).padStart(9, '0') + seq.toString(36).padStart(4, '0') + rand;
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
