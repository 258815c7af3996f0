/**
 * The engine's refusal codes are the ones it produces, and no HTTP code it never returns (those are the server's):
 * the codes in the engine's source — `refuse('…')`, and the `code` of its errors that become refusals (a calendar
 * failure, an invalid definition) — are exactly REFUSAL_CODES.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFUSAL_CODES } from '../../engine';

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

describe('engine refusal codes', () => {
  it('are exactly the codes the engine produces', () => {
    const produced = new Set<string>();
    for (const f of files('engine')) {
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(/\brefuse\(\s*'([A-Z_]+)'/g)) produced.add(m[1]);
      for (const m of src.matchAll(/readonly code = '([A-Z_]+)' as const/g)) produced.add(m[1]);
    }
    expect([...produced].sort()).toEqual([...REFUSAL_CODES].sort());
  });

  it('name no HTTP-only code', () => {
    for (const http of ['BAD_REQUEST', 'UNAUTHORIZED', 'REVISION_CONFLICT', 'PAYLOAD_TOO_LARGE', 'INTERNAL'])
      expect(REFUSAL_CODES).not.toContain(http);
  });
});
