/**
 * Records waiting for their documents, held as text (file.ts keeps all but the most recently written this way).
 */
import type { CaseRecord } from './types';

/**
 * A record waiting for its document, held as that document's text: its JSON in UTF-8, kept as a one-byte string (one
 * character per byte), with the write it is. One string for the garbage collector to mark where the record as objects
 * is hundreds (a grid-event case after 24 events: 229 objects and 263 strings, 16.5 KB): at 300,000 cases waiting
 * for a checkpoint, marking them took the main thread seconds, in steps and pauses of up to 744 ms (bench/PROFILE.md,
 * "The records waiting, held as text"). UTF-8, not the JSON string itself: a case's text in Chinese makes a two-byte
 * string, twice its UTF-8 bytes for its mostly ASCII JSON.
 */
export class Cold {
  constructor(
    readonly seq: number | undefined,
    /** The document's UTF-8 bytes, one character each (`packText`). */
    readonly bytes: string,
  ) {}
}

/** Reused for the conversions between a JSON text and its UTF-8 bytes as a one-byte string (no Buffer each). */
let scratch = Buffer.allocUnsafeSlow(256 * 1024);
/** Texts longer than this are converted through a Buffer of their own (the scratch buffer does not grow past it). */
const SCRATCH_MAX = 16 * 1024 * 1024;

function scratchFor(bytes: number): Buffer | null {
  if (bytes > SCRATCH_MAX) return null;
  if (scratch.length < bytes)
    scratch = Buffer.allocUnsafeSlow(Math.min(SCRATCH_MAX, Math.max(bytes, scratch.length * 2)));
  return scratch;
}

/** A JSON text as its UTF-8 bytes in a one-byte string. */
export function packText(text: string): string {
  const buf = scratchFor(text.length * 3); // at most 3 bytes per UTF-16 unit (a surrogate pair: 4 for 2)
  if (!buf) return Buffer.from(text, 'utf8').toString('latin1');
  return buf.toString('latin1', 0, buf.write(text, 0, 'utf8'));
}

/** The JSON text of `packText`'s bytes. */
export function unpackText(bytes: string): string {
  const buf = scratchFor(bytes.length);
  if (!buf) return Buffer.from(bytes, 'latin1').toString('utf8');
  return buf.toString('utf8', 0, buf.write(bytes, 0, 'latin1'));
}
