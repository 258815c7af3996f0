/**
 * Case ids (server/util/ids.ts): base-36, sorting by creation, ending in six random characters drawn from a pool of
 * CSPRNG bytes refilled every 1,024 ids — across refills they stay unique, well-formed and in creation order.
 */
import { describe, expect, it } from 'vitest';
import { newCaseId, newId } from '../../server/util/ids';

describe('case ids', () => {
  it('are 19 base-36 characters, unique and in creation order across several refills of the random pool', () => {
    const ids = Array.from({ length: 5000 }, () => newCaseId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{19}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('end in random characters: the shards (last two) spread over many values', () => {
    const shards = new Set(Array.from({ length: 3000 }, () => newCaseId().slice(-2)));
    expect(shards.size).toBeGreaterThan(500); // 1,296 possible; a constant or repeating tail would give a handful
    const tails = new Set(Array.from({ length: 3000 }, () => newCaseId().slice(-6)));
    expect(tails.size).toBeGreaterThan(2990);
  });

  it('ids of other things carry their prefix', () => {
    expect(newId('tk')).toMatch(/^tk[0-9a-z]{19}$/);
    expect(newId('d')).toMatch(/^d[0-9a-z]{19}$/);
  });
});
