/**
 * Every route of the OpenAPI document, called with junk bodies and odd parameters, answers a 4xx in the error shape
 * (never a 500), and none of it is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { server, stored, mediationData } from './helpers';

let srv: Awaited<ReturnType<typeof server>>;
let caseId: string;
let dataDir: string;
beforeAll(async () => {
  srv = await server();
  caseId = (await srv.api.start('national', 'dispute-mediation', mediationData)).id;
  dataDir = srv.dataDir;
});
afterAll(() => srv.close());

const junk: unknown[] = [
  'null',
  '[]',
  '"text"',
  '42',
  'true',
  '{}',
  '{"type": null}',
  '{"type": "A", "payload": []}',
  '{"pack": {"$gt": ""}}',
  '{"__proto__": {"admin": true}}',
  '{"constructor": {"prototype": {"x": 1}}}',
  '{"data": "x", "pack": "national", "procedure": "dispute-mediation"}',
  '{"a":' + '{"a":'.repeat(60) + '1' + '}'.repeat(61),
  '\u0000',
  '{"type": "AGREEMENT_SIGNED", "payload": {"effectiveOn": "2025-02-30", "form": "written"}}',
  '{"now": "not a date"}',
  '{"url": "http://[::1", "events": ["transition"], "secret": "12345678"}',
  '{"format": "gongzhi-pack/1", "manifest": {"id": "../../etc", "title": {"zh-CN": "x", "en": "x"}}}',
];

describe('junk to every route', () => {
  it('never yields a 500 and writes nothing', async () => {
    const doc = (await srv.api.get('/api/openapi.json')).body;
    const fill = (path: string) =>
      path.replace('{pack}', 'national').replace('{proc}', 'dispute-mediation').replace('{id}', caseId);
    const odd = (path: string) =>
      path.replace('{pack}', '..%2F..').replace('{proc}', '%00').replace('{id}', '..%2Fregistry');
    const before = await stored(dataDir);
    const failures: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) {
        // these change state when the body is valid; the junk here never is
        for (const p of [fill(path), odd(path), `${fill(path)}?limit=-1&version=abc&from=x&overdue=maybe&cursor=%FF`]) {
          for (const body of method === 'get' || method === 'delete' ? [undefined] : junk) {
            const r = await srv.api.call(
              method.toUpperCase(),
              p,
              body,
              body === undefined ? {} : { 'content-type': 'application/json' },
            );
            if (r.status >= 500 || (r.status >= 400 && !r.body?.error?.code))
              failures.push(
                `${method} ${p} ${String(body).slice(0, 40)} → ${r.status} ${JSON.stringify(r.body).slice(0, 120)}`,
              );
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // nothing written: only the registry may differ if a call was valid, and none was
    expect(await stored(dataDir)).toEqual(before);
  });
});
