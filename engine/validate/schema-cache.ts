/**
 * Compiled validators for the JSON Schemas inside procedure documents (start data, event payloads), shared by equal
 * schemas. A county pack repeats its base's schemas, and every draft save or version compiles them again: keyed by
 * the schema's text, each distinct schema compiles once. Ajv itself keeps every schema object it ever compiled, so
 * the object is removed from ajv after compiling and this cache is bounded (least recently used goes first), so a
 * long-running server does not grow with each draft.
 */
import type { ValidateFunction } from 'ajv';
import { LRUCache } from 'lru-cache';
import { ajv } from './ajv';

export const SCHEMA_CACHE_LIMIT = 2000;
const cache = new LRUCache<string, ValidateFunction>({ max: SCHEMA_CACHE_LIMIT });

/** The validator of a schema; throws like `ajv.compile` when the schema is invalid. */
export function compileSchema(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  const hit = cache.get(key);
  if (hit) return hit;
  let fn: ValidateFunction;
  try {
    fn = ajv.compile(schema);
  } finally {
    ajv.removeSchema(schema);
  }
  cache.set(key, fn);
  return fn;
}

export function schemaCacheSize(): number {
  return cache.size;
}
