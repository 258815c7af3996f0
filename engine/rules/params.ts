/** `{ "param": "x" }` references: inlined from pack parameters at compile time. */
function isParamRef(v: unknown): v is { param: string } {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    typeof (v as { param?: unknown }).param === 'string'
  );
}

export function inlineParams<T>(value: T, params: Record<string, unknown>): T {
  if (isParamRef(value)) return params[value.param] as T;
  if (Array.isArray(value)) return value.map((v) => inlineParams(v, params)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = inlineParams(v, params);
    return out as T;
  }
  return value;
}

/** Every parameter reference in a value, with its JSON path. */
export function collectParamRefs(value: unknown, path = ''): { name: string; path: string }[] {
  if (isParamRef(value)) return [{ name: value.param, path }];
  if (Array.isArray(value)) return value.flatMap((v, i) => collectParamRefs(v, `${path}/${i}`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => collectParamRefs(v, `${path}/${k}`));
  }
  return [];
}
