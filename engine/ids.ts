/**
 * Ids from outside (pack, procedure, role, rule, deadline, state and event names; route parameters; bundle keys) match
 * one strict pattern per kind, and never name a property every object inherits (`__proto__`, `constructor`, …), so
 * an id can neither become a path outside its folder nor reach an inherited property in a lookup.
 */

/** Every name an object inherits from Object.prototype: refused as an id of any kind. */
export const PROTOTYPE_KEYS: readonly string[] = Object.freeze(Object.getOwnPropertyNames(Object.prototype).sort());

const SLUG = /^[a-z][a-z0-9-]{0,63}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const EVENT_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;
const RESERVED = new Set(PROTOTYPE_KEYS);

/** A pack, procedure or role id: lowercase letters, digits and `-`, starting with a letter; safe as a file name. */
export function isSlug(v: unknown): v is string {
  return typeof v === 'string' && SLUG.test(v) && !RESERVED.has(v);
}

/** A rule, deadline, parameter or state name. */
export function isIdentifier(v: unknown): v is string {
  return typeof v === 'string' && IDENTIFIER.test(v) && !RESERVED.has(v);
}

export function isEventName(v: unknown): v is string {
  return typeof v === 'string' && EVENT_NAME.test(v) && !RESERVED.has(v);
}

/** `obj[key]` only when `key` is the object's own property (never an inherited one such as `constructor`). */
export function own<T>(obj: Record<string, T> | null | undefined, key: string): T | undefined {
  return obj != null && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}
