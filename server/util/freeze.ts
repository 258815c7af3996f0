/**
 * Freezes a value and everything in it not frozen yet: plain JSON data the stores keep and share (a case record, the
 * registry), so that code changing a shared object in place fails at once instead of changing it for every holder.
 * A new value shares its older parts (frozen already) with the previous one, so only its new parts are walked; arrays
 * by index and objects with `for…in`, without the key arrays `Object.keys` would allocate on every event.
 */
export function deepFreeze<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
  Object.freeze(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) deepFreeze(v[i]);
  } else {
    const o = v as Record<string, unknown>;
    for (const k in o) deepFreeze(o[k]);
  }
  return v;
}
