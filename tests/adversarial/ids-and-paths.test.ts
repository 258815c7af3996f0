/**
 * Issue 10, fault 2 and the prototype-key item: an id from outside never becomes a path outside DATA_DIR, and names
 * such as `__proto__` or `constructor` are refused everywhere (4xx, nothing written), never reach an inherited
 * property.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPackDir } from '../../server/packs';
import { PROTOTYPE_KEYS, procedureSchema, packSchema, validateProcedure } from '../../engine';
import { server, snapshot, tempDir } from '../server/helpers';

let srv: Awaited<ReturnType<typeof server>>;
let root: string;
let dataDir: string;
let designer: ReturnType<typeof srv.api.as>;
beforeAll(async () => {
  // DATA_DIR two folders deep in a scratch folder, so `../` keys have somewhere to land that the test can watch
  root = tempDir('gongzhi-escape-');
  dataDir = join(root, 'a', 'data');
  srv = await server({ dataDir });
  const t = await srv.api.post('/api/admin/tokens', {
    subject: '示例设计员',
    roles: ['designer'],
    packs: ['evil', 'national'],
  });
  designer = srv.api.as(t.body.token);
});
afterAll(() => srv.close());

const gridDoc = () => structuredClone(loadPackDir('configs/packs/national').procedures['grid-event']);
const bundle = (procedures: Record<string, unknown>) => ({
  format: 'gongzhi-pack/1',
  manifest: { id: 'evil', extends: 'national', title: { 'zh-CN': '示例', en: 'sample' } },
  procedures,
  patches: {},
  data: {},
  scenarios: {},
});

/** Every file under `dir`, as paths relative to it. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }))
      e.isDirectory() ? walk(join(d, e.name)) : out.push(join(d, e.name).slice(dir.length + 1));
  };
  walk(dir);
  return out.sort();
}

describe('procedure keys of an imported bundle', () => {
  it('a key made of ../ segments is refused (422) and writes nothing anywhere', async () => {
    const before = files(root);
    for (const key of ['../../../escaped', '../../../../escaped2', '..', '.', 'a/b', 'x\u0000y', 'UPPER', '']) {
      const doc = { ...gridDoc(), id: 'grid-event' };
      const r = await designer.post('/api/packs', bundle({ [key]: doc }));
      expect(r.status, `${JSON.stringify(key)} → ${JSON.stringify(r.body).slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    expect(files(root)).toEqual(before);
    expect(existsSync(resolve(dataDir, 'versions', '1.json'))).toBe(false);
    expect(existsSync(resolve(dataDir, '..', 'escaped'))).toBe(false);
  });

  it("a key that differs from its document's id is refused", async () => {
    const r = await designer.post('/api/packs', bundle({ other: gridDoc() }));
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body.error.details)).toContain('/procedures/other');
  });
});

describe('prototype keys as names', () => {
  it('the schemas refuse exactly the names every object inherits', () => {
    const defs = procedureSchema.$defs as Record<string, { enum?: string[] }>;
    expect(defs.prototypeKey.enum).toEqual([...PROTOTYPE_KEYS]);
    expect((packSchema.$defs as Record<string, { enum?: string[] }>).prototypeKey.enum).toEqual([...PROTOTYPE_KEYS]);
  });

  it('as pack, procedure or case ids in the path: 404, and nothing written', async () => {
    const before = snapshot(dataDir);
    for (const name of ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      for (const [method, path, body] of [
        ['GET', `/api/packs/${name}`],
        ['GET', `/api/packs/${name}/export`],
        ['GET', `/api/packs/national/procedures/${name}`],
        ['GET', `/api/packs/national/procedures/${name}/draft`],
        ['PUT', `/api/packs/national/procedures/${name}/draft`, { ...gridDoc(), id: name }],
        ['POST', `/api/packs/national/procedures/${name}/publish`],
        ['POST', `/api/packs/${name}/procedures/grid-event/simulate`, { data: {} }],
        ['GET', `/api/packs/${name}/calendar?year=2025`],
        ['GET', `/api/instances/${name}`],
        ['POST', `/api/instances/${name}/events`, { type: 'ASSIGN' }],
      ] as [string, string, unknown?][]) {
        const r = await designer.call(method, path, body);
        expect(
          r.status,
          `${method} ${path} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`,
        ).toBeGreaterThanOrEqual(400);
        expect(r.status, `${method} ${path}`).toBeLessThan(500);
      }
    }
    expect(snapshot(dataDir)).toEqual(before);
    expect((await designer.get('/api/packs/national/procedures/undefined/draft')).status).toBe(404);
  });

  it('as pack or procedure in a start body: 400 (not 500)', async () => {
    for (const name of PROTOTYPE_KEYS) {
      for (const body of [
        { pack: name, procedure: 'grid-event', data: {} },
        { pack: 'national', procedure: name, data: {} },
      ]) {
        const r = await srv.api.post('/api/instances', body);
        expect(r.status, `${JSON.stringify(body)} → ${r.status}`).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
      }
    }
  });

  // as JSON.parse does: `__proto__` becomes an own property (an assignment would set the prototype instead)
  const setOwn = (o: object, k: string, value: unknown) =>
    Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });

  it('as rule, guard, deadline-when, state or role names in a definition: refused at validation', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      const doc = gridDoc() as any;
      setOwn(doc.rules, name, Object.values(doc.rules)[0]);
      expect(
        validateProcedure(doc).some((p) => p.path === `/rules/${name}`),
        `rule ${name}`,
      ).toBe(true);
      const d2 = gridDoc() as any;
      const [dl] = Object.values(d2.deadlines) as any[];
      dl.when = name;
      expect(validateProcedure(d2).length, `when ${name}`).toBeGreaterThan(0);
      const d3 = gridDoc() as any;
      setOwn(d3.roles, name, { title: { 'zh-CN': '示例', en: 'sample' } });
      if (name === 'constructor')
        expect(
          validateProcedure(d3).some((p) => p.path === `/roles/${name}`),
          `role ${name}`,
        ).toBe(true);
      const d4 = gridDoc() as any;
      setOwn(d4.machine.states, name, { type: 'final' });
      expect(
        validateProcedure(d4).some((p) => p.path.startsWith(`/machine/states/${name}`)),
        `state ${name}`,
      ).toBe(true);
    }
  });
});
