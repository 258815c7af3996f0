/**
 * A county's data files laid over its base's (DESIGN decision 6: overlays, not copies). A county file of the same name
 * as a base file changes it field by field: a list of items with ids (a duty list) is merged item by item — a county
 * item replaces the base's item of the same id, a new id is added after the base's items, and `{ "id", "removed":
 * true }` takes a base item out (said, never by leaving it out) — anything else replaces the base's field. So a county
 * file holds only what it adds or changes, and a new base item reaches the county. Calendar files (`calendar-YYYY`)
 * are whole: a year's holiday notice is one document.
 */
type Item = Record<string, unknown> & { id: string; removed?: boolean };

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
export const isItemList = (v: unknown): v is Item[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => isObject(x) && typeof x.id === 'string');

function mergeList(base: Item[], own: Item[]): Item[] {
  const mine = new Map(own.map((x) => [x.id, x]));
  const out: Item[] = [];
  for (const b of base) {
    const o = mine.get(b.id);
    if (!o) out.push(b);
    else if (!o.removed) out.push(o);
  }
  const known = new Set(base.map((b) => b.id));
  for (const o of own) if (!known.has(o.id) && !o.removed) out.push(o);
  return out;
}

export function mergeDataFile(base: unknown, own: unknown): unknown {
  if (!isObject(base) || !isObject(own)) return own;
  const out: Record<string, unknown> = { ...base };
  for (const [field, v] of Object.entries(own)) {
    const b = base[field];
    out[field] =
      isItemList(b) && Array.isArray(v) && v.every((x) => isObject(x) && typeof x.id === 'string')
        ? mergeList(b, v as Item[])
        : v;
  }
  return out;
}

export function mergeData(base: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [name, file] of Object.entries(own)) {
    out[name] = /^calendar-\d{4}$/.test(name) || !(name in base) ? file : mergeDataFile(base[name], file);
  }
  return out;
}
