/** The OpenAPI document at /api/openapi.json and the router agree: every route is documented, every documented path is routed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { server } from './helpers';

let srv: Awaited<ReturnType<typeof server>>;
beforeAll(async () => {
  srv = await server();
});
afterAll(() => srv.close());

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

describe('OpenAPI document', () => {
  it('is served without a token and is OpenAPI 3.1', async () => {
    const r = await srv.api.as('').get('/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
  });

  it('lists exactly the routes the server has, method by method', async () => {
    const doc = (await srv.api.get('/api/openapi.json')).body;
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const m of Object.keys(ops)) if (METHODS.includes(m)) documented.add(`${m.toUpperCase()} ${path}`);
    }
    const routed = new Set<string>();
    for (const layer of srv.router.stack) {
      const path = String(layer.path).replace(/:(\w+)/g, '{$1}');
      for (const m of layer.methods) if (m !== 'HEAD') routed.add(`${m} ${path}`);
    }
    expect([...routed].filter((r) => !documented.has(r)), 'routes missing from the OpenAPI document').toEqual([]);
    expect([...documented].filter((d) => !routed.has(d)), 'documented paths without a route').toEqual([]);
    expect(routed.size).toBeGreaterThanOrEqual(20);
  });

  it('has an operationId and responses for every operation, and its request schemas compile', async () => {
    const doc = (await srv.api.get('/api/openapi.json')).body;
    const ids = new Set<string>();
    for (const ops of Object.values(doc.paths as Record<string, Record<string, { operationId: string; responses: object }>>)) {
      for (const op of Object.values(ops)) {
        expect(op.operationId).toBeTruthy();
        expect(ids.has(op.operationId)).toBe(false);
        ids.add(op.operationId);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      }
    }
    const ajv = new Ajv2020({ strict: false });
    for (const [name, schema] of Object.entries(doc.components.schemas as Record<string, object>)) {
      expect(() => ajv.compile(schema), name).not.toThrow();
    }
  });

  it('documents every error code the API uses in the Error schema’s code pattern', async () => {
    const doc = (await srv.api.get('/api/openapi.json')).body;
    const pattern = new RegExp(doc.components.schemas.Error.properties.error.properties.code.pattern);
    for (const code of ['BAD_REQUEST', 'EVENT_NOT_ALLOWED', 'GUARD_REJECTED', 'REVISION_CONFLICT', 'PAYLOAD_TOO_LARGE']) expect(code).toMatch(pattern);
  });

  it('serves the procedure and pack schemas publicly', async () => {
    const p = await srv.api.as('').get('/api/schemas/procedure.json');
    expect(p.status).toBe(200);
    expect(p.body.$schema).toMatch(/2020-12/);
    expect((await srv.api.as('').get('/api/schemas/pack.json')).status).toBe(200);
  });
});
