/**
 * JSON Schema objects ↔ a list of plain fields, so staff edit payloads and start data as a table
 * (name, kind, title, required, choices) instead of JSON. Anything richer stays untouched and is
 * shown as "advanced".
 */
import type { I18n, JSONSchema } from '../../../engine/browser';
import { enumChoices } from './rules';

export type FieldKind =
  'string' | 'text' | 'number' | 'integer' | 'boolean' | 'date' | 'enum' | 'stringList' | 'objectList' | 'advanced';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  title: string;
  required: boolean;
  /** For `enum`. */
  choices?: string[];
  /** Titles of the choices (the schema's `enumTitles`), for the forms. */
  choiceTitles?: Record<string, I18n>;
  /** For `objectList`: the fields of each row. */
  items?: FieldSpec[];
}

export const EDITABLE_KINDS: FieldKind[] = [
  'string',
  'text',
  'number',
  'integer',
  'boolean',
  'date',
  'enum',
  'stringList',
];

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function kindOf(prop: Record<string, unknown>): FieldKind {
  if (Array.isArray(prop.enum) && prop.enum.every((x) => typeof x === 'string')) return 'enum';
  switch (prop.type) {
    case 'string':
      if (prop.format === 'date') return 'date';
      return typeof prop.maxLength === 'number' && prop.maxLength > 200 ? 'text' : 'string';
    case 'number':
      return 'number';
    case 'integer':
      return 'integer';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const items = obj(prop.items);
      if (items.type === 'string' && !items.enum) return 'stringList';
      if (items.type === 'object' && items.properties) {
        const inner = fieldsOf(items as JSONSchema);
        if (inner.every((f) => f.kind !== 'advanced' && f.kind !== 'objectList')) return 'objectList';
      }
      return 'advanced';
    }
    default:
      return 'advanced';
  }
}

export function fieldsOf(schema: JSONSchema | undefined): FieldSpec[] {
  const s = obj(schema);
  const props = obj(s.properties);
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  return Object.entries(props).map(([name, raw]) => {
    const p = obj(raw);
    const kind = kindOf(p);
    const spec: FieldSpec = {
      name,
      kind,
      title: typeof p.title === 'string' ? p.title : '',
      required: required.has(name),
    };
    if (kind === 'enum') {
      spec.choices = (p.enum as string[]).slice();
      const titles = enumChoices(p);
      if (titles?.some((c) => c.title['zh-CN'] !== c.value))
        spec.choiceTitles = Object.fromEntries(titles.map((c) => [c.value, c.title]));
    }
    if (kind === 'objectList') spec.items = fieldsOf(obj(p.items) as JSONSchema);
    return spec;
  });
}

/** The JSON Schema of one field; keeps the extra keywords of `previous` when the kind did not change. */
export function propertySchema(f: FieldSpec, previous?: Record<string, unknown>): Record<string, unknown> {
  const keep = previous && kindOf(previous) === f.kind ? { ...previous } : {};
  delete keep.title;
  let base: Record<string, unknown>;
  switch (f.kind) {
    case 'string':
      base = { type: 'string', maxLength: 200 };
      break;
    case 'text':
      base = { type: 'string', maxLength: 5000 };
      break;
    case 'number':
      base = { type: 'number' };
      break;
    case 'integer':
      base = { type: 'integer' };
      break;
    case 'boolean':
      base = { type: 'boolean' };
      break;
    case 'date':
      base = { type: 'string', format: 'date' };
      break;
    case 'enum':
      base = { enum: (f.choices ?? []).filter(Boolean) };
      break;
    case 'stringList':
      base = { type: 'array', items: { type: 'string', minLength: 1 } };
      break;
    default:
      return { ...(previous ?? {}), ...(f.title ? { title: f.title } : {}) };
  }
  if (f.kind === 'enum') delete keep.enum;
  return {
    ...base,
    ...keep,
    ...(f.kind === 'enum' ? { enum: base.enum } : {}),
    ...(f.title ? { title: f.title } : {}),
  };
}

/** Returns a new object schema with the field set (added, changed, or renamed from `oldName`). */
export function withField(schema: JSONSchema | undefined, f: FieldSpec, oldName?: string): JSONSchema {
  const s = { type: 'object', additionalProperties: false, ...obj(schema) } as Record<string, unknown>;
  const props = obj(s.properties);
  const from = oldName ?? f.name;
  const nextProps: Record<string, unknown> = {};
  let placed = false;
  for (const [k, v] of Object.entries(props)) {
    if (k === from) {
      nextProps[f.name] = propertySchema(f, obj(v));
      placed = true;
    } else if (k !== f.name) nextProps[k] = v;
  }
  if (!placed) nextProps[f.name] = propertySchema(f);
  const required = (Array.isArray(s.required) ? (s.required as string[]) : []).filter(
    (r) => r !== from && r !== f.name,
  );
  if (f.required) required.push(f.name);
  const out: Record<string, unknown> = { ...s, properties: nextProps };
  if (required.length) out.required = required;
  else delete out.required;
  return out;
}

export function withoutField(schema: JSONSchema | undefined, name: string): JSONSchema {
  const s = { ...obj(schema) };
  const props = { ...obj(s.properties) };
  delete props[name];
  s.properties = props;
  if (Array.isArray(s.required)) {
    const req = (s.required as string[]).filter((r) => r !== name);
    if (req.length) s.required = req;
    else delete s.required;
  }
  return s;
}

/** Converts a form's text value for one field into the JSON value it stands for ('' = absent). */
export function parseFieldValue(f: FieldSpec, raw: string): unknown {
  const v = raw.trim();
  if (v === '') return undefined;
  switch (f.kind) {
    case 'number':
    case 'integer': {
      const n = Number(v);
      return Number.isFinite(n) ? n : v;
    }
    case 'boolean':
      return v === 'true';
    case 'stringList':
      return v
        .split(/[,,、\n]/)
        .map((x) => x.trim())
        .filter(Boolean);
    case 'advanced':
    case 'objectList':
      try {
        return JSON.parse(v);
      } catch {
        return v;
      }
    default:
      return v;
  }
}

export function formatFieldValue(f: FieldSpec, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (f.kind === 'stringList' && Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
