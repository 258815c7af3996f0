/** Immutable get/set of dotted paths inside case data. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function setPath<T extends Record<string, unknown>>(obj: T, path: string, value: unknown): T {
  const dot = path.indexOf('.');
  if (dot < 0) return withKey(obj, path, value);
  const head = path.slice(0, dot);
  const current = obj[head];
  const inner = (current && typeof current === 'object' && !Array.isArray(current) ? current : {}) as Record<
    string,
    unknown
  >;
  return withKey(obj, head, setPath(inner, path.slice(dot + 1), value));
}

/**
 * `{ ...obj, [key]: value }`. V8 copies a spread fast but takes a slow path (≈ 1 µs) when the copy then gains a
 * property its source lacks, as a data action's new field does: a new key is set on an `Object.assign` copy instead,
 * which gives the same own properties in the same order (symbols included). The spread is kept for a key the object
 * has already (its fast case), and wherever an own `__proto__` is involved (assigning it would set the prototype).
 */
export function withKey<T extends Record<string, unknown>>(obj: T, key: string, value: unknown): T {
  if (Object.hasOwn(obj, key) || key === '__proto__' || Object.hasOwn(obj, '__proto__'))
    return { ...obj, [key]: value };
  const out: Record<string, unknown> = Object.assign({}, obj);
  out[key] = value;
  return out as T;
}
