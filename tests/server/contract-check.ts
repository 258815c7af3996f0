/**
 * Checks every answer the test client receives against the OpenAPI document: the operation must list the status,
 * and the body must match its schema. The document is built in strict mode (objects of the contract allow no
 * undocumented field), so a field the server sends but the contract does not name fails the test that got it.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { buildOpenApi, procedureTypes } from '../../server/http/openapi';
import { loadPacksRoot } from '../../server/packs/load';
import { resolvePacks } from '../../engine';

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
};

let cached: { doc: Doc; ajv: Ajv2020; routes: { method: string; re: RegExp; path: string }[] } | undefined;
const validators = new Map<string, ValidateFunction | null>();

function setup() {
  if (cached) return cached;
  const { packs } = resolvePacks(loadPacksRoot('configs/packs', () => {}));
  const catalog = { packIds: () => Object.keys(packs), resolved: (id: string) => packs[id] };
  const doc = buildOpenApi({
    serverUrl: 'http://127.0.0.1',
    procedures: procedureTypes(catalog),
    strict: true,
  }) as unknown as Doc;
  const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ ...(doc as object), $id: 'https://gongzhi.test/openapi.json' });
  const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({
      method,
      path,
      re: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`),
    })),
  );
  cached = { doc, ajv, routes };
  return cached;
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Throws when `body` (status `status`) is not what the OpenAPI document promises for `method path`. */
export function checkResponse(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: unknown,
): void {
  const { doc, ajv, routes } = setup();
  const path = new URL(url, 'http://x').pathname;
  const m = method.toLowerCase();
  // a literal path wins over a template (e.g. /api/schemas/pack.json over /api/packs/{pack})
  const route = routes
    .filter((r) => r.method === m && r.re.test(path))
    .sort((a, b) => a.path.split('{').length - b.path.split('{').length)[0];
  if (!route) return; // not an operation (the designer, an unknown path, a method the path lacks)
  const res = doc.paths[route.path][m].responses[String(status)];
  if (!res)
    throw new Error(
      `contract: ${method} ${route.path} answered ${status}, which its operation does not list\n${JSON.stringify(body)?.slice(0, 500)}`,
    );
  if (!res.content) {
    if (body !== undefined && body !== '')
      throw new Error(`contract: ${method} ${route.path} ${status} must have no body`);
    return;
  }
  const type = Object.keys(res.content)[0];
  if (!contentType?.startsWith(type))
    throw new Error(`contract: ${method} ${route.path} ${status} answered ${contentType}, not ${type}`);
  const key = `${m} ${route.path} ${status}`;
  let v = validators.get(key);
  if (v === undefined) {
    v = ajv.compile({
      $ref: `https://gongzhi.test/openapi.json#/paths/${escape(route.path)}/${m}/responses/${status}/content/${escape(type)}/schema`,
    });
    validators.set(key, v);
  }
  if (v && !v(body)) {
    throw new Error(
      `contract: ${method} ${path} ${status} does not match its schema:\n${JSON.stringify(v.errors?.slice(0, 5), null, 1)}\nbody: ${JSON.stringify(body)?.slice(0, 800)}`,
    );
  }
}
