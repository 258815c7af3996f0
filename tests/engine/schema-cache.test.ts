/** Validators of the schemas inside procedure documents are shared by equal schemas and do not accumulate. */
import { describe, expect, it } from 'vitest';
import { ajv, compileProcedure, compileSchema, resolvePacks, schemaCacheSize, SCHEMA_CACHE_LIMIT } from '../../engine';
import { loadPacksRoot } from '../../server/packs';

const { packs } = resolvePacks(loadPacksRoot('configs/packs'));

describe('schema validators', () => {
  it('are shared between a county pack and its base when the schemas are equal', () => {
    const a = compileProcedure({ ...packs.national.procedures['dispute-mediation'], version: 1 }, packs.national);
    const b = compileProcedure({ ...packs['nanchang-county'].procedures['dispute-mediation'], version: 1 }, packs['nanchang-county']);
    expect(b.dataValidator).toBe(a.dataValidator);
    expect(b.payloadValidators.get('AGREEMENT_SIGNED')).toBe(a.payloadValidators.get('AGREEMENT_SIGNED'));
  });

  it('still validate: a bad payload is refused with its errors', () => {
    const v = compileSchema({ type: 'object', required: ['x'], properties: { x: { type: 'integer' } } });
    expect(v({ x: 1 })).toBe(true);
    expect(v({ x: 'a' })).toBe(false);
    expect(v.errors?.[0].instancePath).toBe('/x');
  });

  it('stay bounded, and ajv keeps none of the compiled schema objects, however many distinct schemas are compiled', () => {
    const internal = () => (ajv as unknown as { _cache: Map<unknown, unknown> })._cache.size;
    const before = internal();
    for (let i = 0; i < SCHEMA_CACHE_LIMIT + 200; i++) compileSchema({ type: 'object', properties: { [`f${i}`]: { type: 'string' } } });
    expect(schemaCacheSize()).toBeLessThanOrEqual(SCHEMA_CACHE_LIMIT);
    expect(internal()).toBe(before);
  });

  it('reports an invalid schema as before', () => {
    expect(() => compileSchema({ type: 'no-such-type' })).toThrow();
  });
});
