/**
 * Builds the OpenAPI 3.1 document (GET /api/openapi.json) from the contract: the operations, their schemas (each
 * named schema becomes a component), the error table, and the start-data and payload schemas of every published
 * procedure, so a generated client gets real types for a case's data and an event's payload. The document is
 * standalone: the procedure and pack schemas are copied in with their `$defs` as components (no external $ref).
 */
import type { TSchema } from '@sinclair/typebox';
import type { ProcedureDoc } from '../../engine';
import { API_CODES, ERROR_CODES, operations, type ApiCode, type Operation } from '../contract';
import { EventSend, InstanceStart } from '../contract/instances';

type Json = Record<string, unknown>;

/** What the document says about one published procedure (its latest version). */
export interface ProcedureTypes {
  pack: string;
  procedure: string;
  data: Json;
  events: Record<string, Json | undefined>;
}

export interface OpenApiOptions {
  /** The address the document is served from (`servers`). */
  serverUrl: string;
  procedures?: ProcedureTypes[];
  /** Tests: every object of the contract without `additionalProperties` gets `false`, so undocumented fields fail. */
  strict?: boolean;
}

const TAGS = [
  { name: 'instances', description: '案件 / cases: start, events, cancel, history, lists, statistics' },
  {
    name: 'packs',
    description: '配置包与流程 / packs and procedures: definitions, drafts, versions, simulation, bundles',
  },
  { name: 'webhooks', description: '订阅与投递 / subscriptions and their deliveries' },
  { name: 'auth', description: '令牌 / tokens' },
  { name: 'system', description: '健康、文档、时钟、指标 / health, documents, the controlled clock, metrics' },
];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class Components {
  readonly schemas: Record<string, Json> = {};

  constructor(private readonly strict: boolean) {}

  /** A contract schema as it goes into the document: named parts become $refs to components. */
  convert(schema: unknown, root = true): unknown {
    if (Array.isArray(schema)) return schema.map((s) => this.convert(s, false));
    if (!isObj(schema)) return schema;
    const name = schema['x-component'];
    if (typeof name === 'string' && !root) {
      if (!(name in this.schemas)) this.add(name, schema);
      return ref(name);
    }
    if ('$defs' in schema || '$id' in schema) return this.embedded(schema);
    const out: Json = {};
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'x-component') continue;
      out[k] =
        k === 'properties' || k === '$defs' || k === 'patternProperties'
          ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, this.convert(s, false)]))
          : this.convert(v, false);
    }
    if (this.strict && out.type === 'object' && isObj(out.properties) && !('additionalProperties' in out))
      out.additionalProperties = false;
    return out;
  }

  add(name: string, schema: Json): void {
    this.schemas[name] = {}; // claimed first: a schema may refer to itself
    const { 'x-component': _n, ...rest } = schema;
    this.schemas[name] = '$defs' in rest || '$id' in rest ? this.embed(name, rest) : (this.convert(rest) as Json);
  }

  /** A JSON Schema from elsewhere, placed under `name` with its `$defs` as components `name.def`. */
  embed(name: string, schema: Json): Json {
    const defs = isObj(schema.$defs) ? schema.$defs : {};
    // a $def that is a table of schemas (not a schema itself): each entry becomes its own component
    const tables = new Set(
      Object.entries(defs)
        .filter(([, s]) => isObj(s) && !isSchemaLike(s))
        .map(([d]) => d),
    );
    const rewrite = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(rewrite);
      if (!isObj(v)) return v;
      const out: Json = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === '$schema' || k === '$id' || k === '$defs' || k === 'x-component') continue;
        // a keyword of the packs' own (e.g. enumTitles beside enum) becomes an OpenAPI extension
        if (k === 'enumTitles' && 'enum' in v) {
          out['x-enumTitles'] = x;
          continue;
        }
        if (k === '$ref' && typeof x === 'string') {
          const target = refTarget(name, x, tables);
          if (target) out.$ref = target;
          continue;
        }
        out[k] = rewrite(x);
      }
      return out;
    };
    for (const [d, s] of Object.entries(defs)) {
      if (tables.has(d))
        for (const [k, t] of Object.entries(s as Json)) this.schemas[`${name}.${d}.${k}`] = rewrite(t) as Json;
      else this.schemas[`${name}.${d}`] = rewrite(s) as Json;
    }
    return rewrite(schema) as Json;
  }

  private embedded(schema: Json): Json {
    const name = `Embedded${Object.keys(this.schemas).length}`;
    this.schemas[name] = this.embed(name, schema);
    return ref(name);
  }
}

/** `#/$defs/x/rest` → the component `name.x` (+ rest); `#/rest` → `name` (+ rest); anything else cannot be kept. */
function refTarget(name: string, r: string, tables: Set<string> = new Set()): string | null {
  if (!r.startsWith('#')) return null;
  const t = /^#\/\$defs\/([^/]+)\/([^/]+)(\/.*)?$/.exec(r);
  if (t && tables.has(t[1])) return `#/components/schemas/${name}.${t[1]}.${t[2]}${t[3] ?? ''}`;
  const m = /^#\/\$defs\/([^/]+)(\/.*)?$/.exec(r);
  if (m) return `#/components/schemas/${name}.${m[1]}${m[2] ?? ''}`;
  return `#/components/schemas/${name}${r.slice(1)}`;
}

const SCHEMA_WORDS = [
  'type',
  'properties',
  '$ref',
  'oneOf',
  'anyOf',
  'allOf',
  'enum',
  'const',
  'items',
  'required',
  'additionalProperties',
  'not',
  'if',
  'pattern',
  'format',
  'description',
  'title',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'propertyNames',
  'patternProperties',
  'prefixItems',
  '$defs',
];
const isSchemaLike = (v: Json) => Object.keys(v).length === 0 || Object.keys(v).some((k) => SCHEMA_WORDS.includes(k));

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

function errorResponses(codes: readonly ApiCode[], writes: boolean): Record<string, Json> {
  const all = [...new Set<ApiCode>([...codes, 'INTERNAL', ...(writes ? ['STORAGE_FULL' as const] : [])])];
  const byStatus = new Map<number, ApiCode[]>();
  for (const c of all) byStatus.set(ERROR_CODES[c].status, [...(byStatus.get(ERROR_CODES[c].status) ?? []), c]);
  const out: Record<string, Json> = {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[String(status)] = {
      description: list.map((c) => `${c}: ${ERROR_CODES[c].zh} / ${ERROR_CODES[c].description}`).join(' / '),
      content: {
        'application/json': {
          schema: {
            allOf: [
              ref('Error'),
              { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: list } } } } },
            ],
          },
        },
      },
    };
  }
  return out;
}

function operationDoc(op: Operation, c: Components): Json {
  const parameters: Json[] = [];
  for (const m of op.path.matchAll(/\{(\w+)\}/g))
    parameters.push({ name: m[1], in: 'path', required: true, description: `${m[1]} id`, schema: { type: 'string' } });
  const q = op.query;
  if (q) {
    const required = new Set((q.required as string[] | undefined) ?? []);
    for (const [name, s] of Object.entries(q.properties as Record<string, TSchema>)) {
      const { description, ...schema } = c.convert(s) as Json;
      parameters.push({ name, in: 'query', required: required.has(name), description: description ?? name, schema });
    }
  }
  for (const h of op.headers ?? [])
    parameters.push({
      name: h.name,
      in: 'header',
      required: false,
      description: h.description,
      schema: c.convert(h.schema),
    });
  const responses: Record<string, Json> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[status] = r.schema
      ? {
          description: r.description,
          content: { [r.contentType ?? 'application/json']: { schema: c.convert(r.schema, false) } },
        }
      : { description: r.description };
  }
  Object.assign(responses, errorResponses(op.errors, op.method !== 'get'));
  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: [op.tag],
    ...(op.description ? { description: op.description } : {}),
    ...(op.public ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: c.convert(op.body, false) } } } }
      : {}),
    responses,
  };
}

/** Start and event bodies typed per published procedure (start data, payloads), as unions the generic shapes allow. */
function typedBodies(c: Components, procs: ProcedureTypes[]): void {
  const seen = new Map<string, string>();
  const schemaRef = (prefix: string, schema: Json | undefined): Json => {
    if (!schema) return { type: 'object', additionalProperties: true };
    const key = JSON.stringify(schema);
    let name = seen.get(key);
    if (!name) {
      name = safeName(prefix);
      c.schemas[name] = c.embed(name, schema);
      seen.set(key, name);
    }
    return ref(name);
  };
  const generic = c.schemas.InstanceStart as Json;
  const starts = procs.map((p) => ({
    type: 'object',
    additionalProperties: false,
    required: ['pack', 'procedure', 'data'],
    properties: {
      ...(generic.properties as Json),
      pack: { const: p.pack },
      procedure: { const: p.procedure },
      data: schemaRef(`StartData.${p.pack}.${p.procedure}`, p.data),
    },
  }));
  const byType = new Map<string, Json[]>();
  for (const p of procs) {
    for (const [type, payload] of Object.entries(p.events)) {
      const r = schemaRef(`Payload.${p.pack}.${p.procedure}.${type}`, payload);
      const list = byType.get(type) ?? [];
      if (!list.some((x) => x.$ref === r.$ref)) list.push(r);
      byType.set(type, list);
    }
  }
  const genericEvent = c.schemas.EventSend as Json;
  const events = [...byType]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([type, payloads]) => ({
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        ...(genericEvent.properties as Json),
        type: { const: type },
        payload: payloads.length === 1 ? payloads[0] : { anyOf: payloads },
      },
    }));
  if (starts.length) {
    c.schemas.InstanceStart = {
      description: 'One variant per published procedure: `data` follows that procedure’s start-data schema.',
      oneOf: starts,
    };
  }
  if (events.length) {
    c.schemas.EventSend = {
      description: 'One variant per event type: `payload` follows that event’s schema (in the case’s procedure).',
      oneOf: events,
    };
  }
}

export function buildOpenApi(opts: OpenApiOptions): Json {
  const c = new Components(opts.strict ?? false);
  c.add('Error', {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { enum: API_CODES },
          message: { 'x-component': 'I18n' },
          details: { description: 'problems ([{path, message}]) or facts about the refusal' },
        },
      },
    },
  });
  // named schemas used only inside others are reached from the operations
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of Object.values(operations) as Operation[]) (paths[op.path] ??= {})[op.method] = operationDoc(op, c);
  c.convert(InstanceStart, false);
  c.convert(EventSend, false);
  if (opts.procedures?.length) typedBodies(c, opts.procedures);
  const errorList = API_CODES.map(
    (code) => `- \`${code}\` (${ERROR_CODES[code].status}): ${ERROR_CODES[code].zh} / ${ERROR_CODES[code].description}`,
  ).join('\n');
  return {
    openapi: '3.1.0',
    info: {
      title: '共治 Gongzhi API',
      version: '1.0.0',
      description:
        '社区治理流程与规则引擎的 HTTP 接口 / HTTP contract of the Gongzhi community-governance workflow engine.\n\n' +
        'Times are ISO 8601 in Asia/Shanghai (+08:00). Every 4xx/5xx body is `{error: {code, message: {zh-CN, en}, details}}`; a failed call changes nothing. ' +
        'Every response carries `X-Request-Id` (the caller’s, or a new one).\n\nError codes:\n' +
        errorList,
      license: { name: 'UNLICENSED (a private project: no licence is granted)', identifier: 'LicenseRef-UNLICENSED' },
    },
    servers: [{ url: opts.serverUrl, description: 'this server' }],
    security: [{ bearer: [] }],
    tags: TAGS,
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token: subject, roles, packs' } },
      schemas: c.schemas,
    },
  };
}

/** The start-data and payload schemas of every procedure as the catalog resolves it now. */
export function procedureTypes(catalog: {
  packIds(): string[];
  resolved(id: string): { lineage: string[]; procedures: Record<string, ProcedureDoc> } | undefined;
}): ProcedureTypes[] {
  const out: ProcedureTypes[] = [];
  // base packs first: a county's unchanged procedure is then typed by its base's schema, under the base's name
  const depth = (id: string) => catalog.resolved(id)?.lineage.length ?? 0;
  for (const pack of [...catalog.packIds()].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b))) {
    for (const [procedure, doc] of Object.entries(catalog.resolved(pack)?.procedures ?? {})) {
      const events = Object.fromEntries(
        Object.entries(doc.events)
          .filter(([, e]) => !e.system)
          .map(([type, e]) => [type, e.payload]),
      );
      out.push({ pack, procedure, data: doc.data, events });
    }
  }
  return out;
}
