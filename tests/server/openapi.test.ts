/**
 * The OpenAPI document at /api/openapi.json: it lists exactly the server's routes, every success answer has a real
 * schema, every error code of the table is in it with its status, it resolves standalone, `servers` follows the
 * request, `redocly lint` finds nothing, and a client generated from it by openapi-typescript compiles with real
 * types where it starts a case, sends an event and reads the list.
 */
import { execFile } from 'node:child_process';
import { get } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, API_CODES } from '../../server/contract';
import { checkResponse } from './contract-check';
import { server, tempDir } from './helpers';

let srv: Awaited<ReturnType<typeof server>>;
let doc: any;
beforeAll(async () => {
  srv = await server();
  doc = (await srv.api.get('/api/openapi.json')).body;
});
afterAll(() => srv.close());

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ path, method, op })),
  );

function refsIn(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => refsIn(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else refsIn(x, out);
    }
  }
  return out;
}

const pointerGet = (root: unknown, ref: string) =>
  ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), root);

describe('OpenAPI document', () => {
  it('is served without a token, is OpenAPI 3.1, and names the address it was asked at in `servers`', async () => {
    const r = await srv.api.as('').get('/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(r.body.servers).toEqual([{ url: srv.url, description: 'this server' }]);
    // fetch sets Host itself: ask with node:http, as a proxy or another name would
    const other = await new Promise<string>((ok, no) => {
      get(`${srv.url}/api/openapi.json`, { headers: { host: 'gongzhi.example.org:8443' } }, (res) => {
        let text = '';
        res
          .on('data', (c) => (text += c))
          .on('end', () => ok(text))
          .on('error', no);
      }).on('error', no);
    });
    expect(JSON.parse(other).servers[0].url).toBe('http://gongzhi.example.org:8443');
  });

  it('lists exactly the routes the server has, method by method', async () => {
    const documented = new Set(operations().map((o) => `${o.method.toUpperCase()} ${o.path}`));
    const routed = new Set<string>();
    for (const layer of srv.router.stack) {
      const path = String(layer.path).replace(/:(\w+)/g, '{$1}');
      for (const m of layer.methods) if (m !== 'HEAD') routed.add(`${m} ${path}`);
    }
    expect(
      [...routed].filter((r) => !documented.has(r)),
      'routes missing from the OpenAPI document',
    ).toEqual([]);
    expect(
      [...documented].filter((d) => !routed.has(d)),
      'documented paths without a route',
    ).toEqual([]);
    expect(routed.size).toBeGreaterThanOrEqual(30);
  });

  it('gives every operation a unique id and every success answer a schema that says something', async () => {
    const ids = new Set<string>();
    for (const { path, method, op } of operations()) {
      expect(ids.has(op.operationId), op.operationId).toBe(false);
      ids.add(op.operationId);
      const ok = Object.entries(op.responses as Record<string, any>).filter(([s]) => s.startsWith('2'));
      expect(ok.length, `${method} ${path} has a success answer`).toBeGreaterThan(0);
      for (const [status, res] of ok) {
        if (status === '204') continue;
        const schema = Object.values(res.content as Record<string, { schema: object }>)[0].schema;
        expect(Object.keys(schema).length, `${method} ${path} ${status} has an empty schema`).toBeGreaterThan(0);
      }
    }
  });

  it('lists every error code of the table, each under its own status and only there', () => {
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual(API_CODES);
    for (const code of API_CODES) expect(doc.info.description).toContain(`\`${code}\` (${ERROR_CODES[code].status})`);
    for (const { path, method, op } of operations()) {
      for (const [status, res] of Object.entries(op.responses as Record<string, any>)) {
        if (Number(status) < 400) continue;
        const codes: string[] = res.content['application/json'].schema.allOf[1].properties.error.properties.code.enum;
        expect(codes.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        for (const c of codes)
          expect(ERROR_CODES[c as keyof typeof ERROR_CODES].status, `${method} ${path}: ${c} under ${status}`).toBe(
            Number(status),
          );
      }
    }
    // the codes this suite's scenarios meet are in the table (a new code the table lacks fails here and in tsc)
    for (const c of ['BUSINESS_KEY_CONFLICT', 'CALENDAR_RANGE', 'CASE_CLOSED', 'INVALID_WEBHOOK', 'STORAGE_FULL'])
      expect(API_CODES).toContain(c);
  });

  it('the response check fails an answer that breaks the contract (an unlisted code, an undocumented field, a UTC time)', () => {
    const err = (code: string) => ({ error: { code, message: { 'zh-CN': 'x', en: 'x' } } });
    expect(() =>
      checkResponse('POST', '/api/instances/x/events', 409, 'application/json', err('REVISION_CONFLICT')),
    ).not.toThrow();
    expect(() =>
      checkResponse('POST', '/api/instances/x/events', 409, 'application/json', err('BUSINESS_KEY_CONFLICT')),
    ).toThrow(/does not match/);
    expect(() => checkResponse('GET', '/api/instances/x', 418, 'application/json', {})).toThrow(/does not list/);
    expect(() => checkResponse('GET', '/api/health', 200, 'application/json', { status: 'ok', extra: 1 })).toThrow(
      /does not match/,
    );
    expect(() =>
      checkResponse('GET', '/api/admin/clock', 200, 'application/json', { now: '2025-10-01T04:00:00.000Z' }),
    ).toThrow(/does not match/);
    expect(() =>
      checkResponse('GET', '/api/admin/clock', 200, 'application/json', { now: '2025-10-01T12:00:00+08:00' }),
    ).not.toThrow();
  });

  it('resolves standalone: every $ref points inside the document', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(50);
    const bad = [...new Set(refs)].filter((r) => !r.startsWith('#/') || pointerGet(doc, r) === undefined);
    expect(bad).toEqual([]);
  });

  it('types start data and payloads per procedure for a token that may see them, and hides packs it may not', async () => {
    const typed = (await srv.api.get('/api/openapi.json')).body.components.schemas;
    expect(typed['StartData.national.grid-event'].required).toEqual(expect.arrayContaining(['channel', 'description']));
    expect(typed.InstanceStart.oneOf.length).toBeGreaterThan(4);
    const anon = (await srv.api.as('').get('/api/openapi.json')).body.components.schemas;
    expect(Object.keys(anon).filter((k) => k.startsWith('StartData.'))).toEqual([]);
    const t = (
      await srv.api.post('/api/admin/tokens', {
        subject: '江阴对接(示例)',
        roles: ['integrator'],
        packs: ['jiangyin-city'],
      })
    ).body.token;
    const scoped = Object.keys((await srv.api.as(t).get('/api/openapi.json')).body.components.schemas).filter((k) =>
      k.startsWith('StartData.'),
    );
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.every((k) => !k.includes('nanchang'))).toBe(true);
  });

  it('passes `redocly lint` with 0 errors and 0 warnings', async () => {
    const dir = tempDir('gongzhi-openapi-');
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 1));
    const run = promisify(execFile);
    const bin = resolve('node_modules/.bin/redocly');
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    const { stdout } = await run(bin, ['lint', file, '--format', 'json'], { cwd: dir, env, timeout: 120_000 }).catch(
      (e) => {
        throw new Error(`redocly lint failed:\n${e.stdout}\n${e.stderr}`);
      },
    );
    const report = JSON.parse(stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 150_000);

  it('yields, through openapi-typescript, a client that compiles with real types to start a case, send an event and read the list', async () => {
    const dir = tempDir('gongzhi-client-');
    mkdirSync(dir, { recursive: true });
    const types = astToString(await openapiTS(doc));
    writeFileSync(join(dir, 'api.ts'), types);
    writeFileSync(join(dir, 'client.ts'), CLIENT);
    const program = ts.createProgram([join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
      noUnusedLocals: false,
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) =>
          `${d.file?.fileName.split('/').pop()}:${d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : '?'} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
    expect(problems).toEqual([]);
  }, 120_000);
});

/** The small client: only the generated types, fetch, and compile-time checks that nothing it touches is unknown or never. */
const CLIENT = `
import type { paths } from './api';

type IsUnknown<T> = unknown extends T ? true : false;
type IsNever<T> = [T] extends [never] ? true : false;
type Real<T> = IsUnknown<T> extends true ? 'unknown' : IsNever<T> extends true ? 'never' : 'ok';
type Check<T extends 'ok'> = T;

type StartBody = paths['/api/instances']['post']['requestBody']['content']['application/json'];
type Started = paths['/api/instances']['post']['responses'][201]['content']['application/json'];
type EventBody = paths['/api/instances/{id}/events']['post']['requestBody']['content']['application/json'];
type AfterEvent = paths['/api/instances/{id}/events']['post']['responses'][200]['content']['application/json'];
type ListQuery = NonNullable<paths['/api/instances']['get']['parameters']['query']>;
type Page = paths['/api/instances']['get']['responses'][200]['content']['application/json'];
type Conflict = paths['/api/instances']['post']['responses'][409]['content']['application/json'];

export type Checks = [
  Check<Real<StartBody>>, Check<Real<Extract<StartBody, { procedure: 'grid-event' }>['data']>>,
  Check<Real<Started>>, Check<Real<Started['id']>>, Check<Real<Started['state']>>, Check<Real<Started['events'][number]['type']>>,
  Check<Real<EventBody>>, Check<Real<Extract<EventBody, { type: 'ASSIGN' }>['payload']>>,
  Check<Real<AfterEvent['rev']>>, Check<Real<ListQuery['businessKey']>>, Check<Real<Page['items'][number]['status']>>,
  Check<Real<Page['next']>>, Check<Real<Conflict['error']['code']>>,
];

async function call<T>(base: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, { method, headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await res.json()) as T;
}

export async function startTicket(base: string, token: string): Promise<Started> {
  const body: StartBody = {
    pack: 'national', procedure: 'grid-event', businessKey: '12345-2025-000001',
    data: { channel: 'hotline', category: '环境卫生', emergency: 'none', inLitigationOrPetition: false, description: '示例', location: '示例' },
  };
  // @ts-expect-error the start data is typed by the procedure: an emergency type it does not know is refused
  const wrong: StartBody = { pack: 'national', procedure: 'grid-event', data: { channel: 'hotline', category: 'x', emergency: 'volcano', inLitigationOrPetition: false, description: 'x', location: 'x' } };
  void wrong;
  return call<Started>(base, token, 'POST', '/api/instances', body);
}

export async function assign(base: string, token: string, c: Started): Promise<AfterEvent> {
  const body: EventBody = { type: 'ASSIGN', payload: { unit: '示例单位' }, actor: { roles: ['dispatcher'] } };
  // @ts-expect-error the payload is typed by the event: ASSIGN needs a unit
  const wrong: EventBody = { type: 'ASSIGN', payload: { note: 'x' } };
  void wrong;
  const allowed: string[] = c.events.map((e) => e.type);
  if (!allowed.includes(body.type)) throw new Error('not allowed now');
  return call<AfterEvent>(base, token, 'POST', '/api/instances/' + encodeURIComponent(c.id) + '/events', body);
}

export async function openTickets(base: string, token: string, q: ListQuery): Promise<{ ids: string[]; states: string[]; next: string | null }> {
  const search = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]));
  const page = await call<Page>(base, token, 'GET', '/api/instances?' + search.toString());
  return { ids: page.items.map((i) => i.id), states: page.items.map((i) => i.state + ':' + i.status), next: page.next };
}
`;
