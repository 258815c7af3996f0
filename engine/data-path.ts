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
  const [head, ...rest] = path.split('.');
  const current = obj[head];
  const next =
    rest.length === 0
      ? value
      : setPath(
          (current && typeof current === 'object' && !Array.isArray(current) ? current : {}) as Record<string, unknown>,
          rest.join('.'),
          value,
        );
  return { ...obj, [head]: next };
}
