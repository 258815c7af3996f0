/**
 * setPath copies the objects on its path field by field (engine/data-path.ts withKey) instead of spreading them; the
 * result must be what `{ ...obj, [key]: value }` gives for any object: the same own keys in the same order, the same
 * values, the same prototype, the source untouched — own `__proto__` keys, integer-like keys and symbols included.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getPath, setPath, withKey } from '../../engine/data-path';

const key = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', '0', '1', '10', '-1', '01', 'a', 'b'),
);
const object = fc
  .array(fc.tuple(key, fc.oneof(fc.integer(), fc.string(), fc.constant(null))), { maxLength: 8 })
  .map((entries) => Object.fromEntries(entries) as Record<string, unknown>);

function same(a: object, b: object) {
  expect(Reflect.ownKeys(a)).toEqual(Reflect.ownKeys(b));
  for (const k of Reflect.ownKeys(a))
    expect(Object.getOwnPropertyDescriptor(a, k)).toEqual(Object.getOwnPropertyDescriptor(b, k));
  expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
}

describe('withKey / setPath', () => {
  it('withKey gives what the spread gives, for any object and key (fast-check)', () => {
    fc.assert(
      fc.property(object, key, fc.integer(), fc.boolean(), (obj, k, v, withSymbol) => {
        if (withSymbol) (obj as Record<symbol, unknown>)[Symbol.for('s')] = 1;
        const before = Reflect.ownKeys(obj);
        const got = withKey(obj, k, v);
        same(got, { ...obj, [k]: v });
        expect(got).not.toBe(obj);
        expect(Reflect.ownKeys(obj)).toEqual(before);
      }),
      { numRuns: 1000 },
    );
  });

  it('setPath on nested paths matches the spread-based definition', () => {
    const reference = (o: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> => {
      const [head, ...rest] = path.split('.');
      const cur = o[head];
      const sub = cur && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Record<string, unknown>) : {};
      return { ...o, [head]: rest.length ? reference(sub, rest.join('.'), value) : value };
    };
    fc.assert(
      fc.property(
        object,
        fc.array(fc.constantFrom('a', 'b', '__proto__', '0'), { minLength: 1, maxLength: 3 }),
        fc.integer(),
        (obj, segs, v) => {
          const path = segs.join('.');
          const got = setPath(obj, path, v);
          const want = reference(obj, path, v);
          expect(JSON.stringify(got)).toBe(JSON.stringify(want));
          same(got, want);
          if (!segs.includes('__proto__')) expect(getPath(got, path)).toBe(v);
        },
      ),
      { numRuns: 600 },
    );
  });
});
