/** Validators of the schemas inside procedure documents are shared by equal schemas and do not accumulate. */
import { describe, expect, it } from 'vitest';
import { ajv, compileProcedure, compileSchema, resolvePacks, schemaCacheSize, SCHEMA_CACHE_LIMIT } from '../../engine';
import { loadPacksRoot } from '../../server/packs';

const { packs } = resolvePacks(loadPacksRoot('configs/packs'));

describe('schema validators', () => {
  it('are shared between a county pack and its base when the schemas are equal', () => {
    const a = compileProcedure({ ...packs.national.procedures['dispute-mediation'], version: 1 }, packs.national);
    const on = (pack: string) =>
      compileProcedure({ ...packs[pack].procedures['dispute-mediation'], version: 1 }, packs[pack]);
    const b = on('jiangyin-city'); // jiangyin changes only the grid event
    expect(b.dataValidator).toBe(a.dataValidator);
    expect(b.payloadValidators.get('AGREEMENT_SIGNED')).toBe(a.payloadValidators.get('AGREEMENT_SIGNED'));
    // nanchang adds dispute types to the case data (its triage): its own data validator, the payloads' still shared
    const c = on('nanchang-county');
    expect(c.dataValidator).not.toBe(a.dataValidator);
    expect(c.payloadValidators.get('AGREEMENT_SIGNED')).toBe(a.payloadValidators.get('AGREEMENT_SIGNED'));
  });

  it('still validate: a bad payload is refused with its errors', () => {
    const v = compileSchema({ type: 'object', required: ['x'], properties: { x: { type: 'integer' } } });
    expect(v({ x: 1 })).toBe(true);
    expect(v({ x: 'a' })).toBe(false);
    expect(v.errors?.[0].instancePath).toBe('/x');
  });

  it('stay bounded, and ajv keeps none of the compiled schemas, however many distinct schemas are compiled', () => {
    const id = (i: number) => `urn:gongzhi:test:schema-cache:${i}`;
    for (let i = 0; i < SCHEMA_CACHE_LIMIT + 200; i++)
      compileSchema({ $id: id(i), type: 'object', properties: { [`f${i}`]: { type: 'string' } } });
    expect(schemaCacheSize()).toBeLessThanOrEqual(SCHEMA_CACHE_LIMIT);
    // ajv's own registry (its public getSchema) holds none of them: each was removed from ajv once compiled
    for (const i of [0, 1, SCHEMA_CACHE_LIMIT, SCHEMA_CACHE_LIMIT + 199]) expect(ajv.getSchema(id(i))).toBeUndefined();
    // a schema ajv was asked to keep is found the same way (the check above can fail)
    ajv.addSchema({ $id: id(-1), type: 'string' });
    expect(ajv.getSchema(id(-1))).toBeDefined();
    ajv.removeSchema(id(-1));
  });

  it('reports an invalid schema as before', () => {
    expect(() => compileSchema({ type: 'no-such-type' })).toThrow();
  });
});
