/**
 * Issue 10, the hostile-definition corpus (fault 1, faults 5–6 and the minor items about definitions): each hostile
 * call made with a pack-scoped designer token is answered 4xx, or 2xx within 2 s, and the server's event loop is
 * never kept busy 100 ms or more meanwhile, so GET /api/health keeps answering within 100 ms. The server runs in its
 * own process. Health is asked every 10 ms on a second connection and its wall-clock latency printed; what is
 * asserted is the longest stretch the server's event loop was busy, counted in the process's CPU time (see
 * fixtures/child-server.ts), because on a shared machine wall-clock latency also counts the time the operating system
 * did not run the process at all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, tempDir, ADMIN, type Api } from '../server/helpers';
import { report } from './figures';

let child: ChildProcess;
let url: string;
let admin: Api;
let designer: Api;

beforeAll(async () => {
  const dataDir = tempDir('gongzhi-hostile-');
  ({ child, url } = await new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', 'tests/server/fixtures/child-server.ts'], {
      env: {
        ...process.env,
        GONGZHI_TEST_LOOP_MONITOR: '1',
        DATA_DIR: dataDir,
        GONGZHI_ADMIN_TOKEN: ADMIN,
        GONGZHI_CONTROLLED_CLOCK: '1',
        GONGZHI_NOW: '2025-09-01T09:00:00+08:00',
        GONGZHI_FSYNC: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    c.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ child: c, url: m[1] });
    });
    c.stderr!.on('data', (d) => (err += d));
    c.on('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  }));
  admin = client(url);
  const t = await admin.post('/api/admin/tokens', {
    subject: '示例设计员',
    roles: ['designer', 'clerk'],
    packs: ['national'],
  });
  designer = admin.as(t.body.token);
});
afterAll(() => child?.kill('SIGKILL'));

/** GET /api/health on its own keep-alive connection: the time to its answer, in ms. */
const healthAgent = new Agent({ keepAlive: true, maxSockets: 1 });
function health(): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/health`, { agent: healthAgent }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t0));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Outcome {
  status: number;
  ms: number;
  healthMax: number;
  healthCount: number;
  loopCpuMs: number;
  body: any;
}

/** Runs one hostile call while probing health every 10 ms; the call's status and time, and the slowest health answer. */
async function underProbe(call: () => Promise<{ status: number; body: any }>): Promise<Outcome> {
  let done = false;
  const lat: number[] = [];
  const probe = (async () => {
    while (!done) {
      lat.push(await health());
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  await admin.post('/__test/loop/reset');
  const t0 = performance.now();
  const r = await call();
  const ms = performance.now() - t0;
  done = true;
  await probe;
  const loopCpuMs = (await admin.get('/__test/loop')).body.maxCpuMs as number;
  return { status: r.status, ms, healthMax: Math.max(0, ...lat), healthCount: lat.length, loopCpuMs, body: r.body };
}

const T = { 'zh-CN': '示例', en: 'sample' };
/** A small procedure to be made hostile. */
function doc(machine: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: 'hostile',
    title: T,
    data: { type: 'object' },
    roles: { clerk: { title: T } },
    events: { GO: { title: T, roles: ['clerk'] } },
    rules: {
      yes: {
        description: T,
        basis: T,
        conditions: { all: [{ fact: 'data', path: '$.n', operator: 'notEqual', value: -1 }] },
      },
    },
    deadlines: {},
    machine,
    ...extra,
  };
}
const final = { done: { type: 'final' } };
const inc = [{ type: 'increment', params: { path: 'n' } }];

/** name → a definition that loops once GO is sent (the unguarded ones are refused at validation already). */
export const LOOPS: Record<string, ReturnType<typeof doc>> = {
  'targetless always with an action': doc({
    initial: 'a',
    states: { a: { on: { GO: 'b' } }, b: { always: { actions: inc }, on: { GO: 'done' } }, ...final },
  }),
  'targetless guarded always with an action': doc({
    initial: 'a',
    states: { a: { on: { GO: 'b' } }, b: { always: { guard: 'yes', actions: inc }, on: { GO: 'done' } }, ...final },
  }),
  'self-re-entering always': doc({
    initial: 'a',
    states: {
      a: { on: { GO: 'b' } },
      b: { always: { target: 'b', reenter: true, actions: inc }, on: { GO: 'done' } },
      ...final,
    },
  }),
  'guarded self-re-entering always': doc({
    initial: 'a',
    states: {
      a: { on: { GO: 'b' } },
      b: { always: { target: 'b', reenter: true, guard: 'yes' }, entry: inc, on: { GO: 'done' } },
      ...final,
    },
  }),
  'always cycle b → c → b': doc({
    initial: 'a',
    states: { a: { on: { GO: 'b' } }, b: { always: 'c', on: { GO: 'done' } }, c: { always: 'b' }, ...final },
  }),
  'guarded always cycle b → c → b': doc({
    initial: 'a',
    states: {
      a: { on: { GO: 'b' } },
      b: { always: { target: 'c', guard: 'yes' } },
      c: { always: { target: 'b', guard: 'yes' }, on: { GO: 'done' } },
      ...final,
    },
  }),
  'targetless always on the initial state': doc({
    initial: 'a',
    states: { a: { always: { guard: 'yes', actions: inc }, on: { GO: 'done' } }, ...final },
  }),
};

/** The loops no data can stop: refused at validation (ALWAYS_LOOP). The others pass validation and meet the step budget. */
const UNGUARDED = new Set(['targetless always with an action', 'self-re-entering always', 'always cycle b → c → b']);

/** The problem codes of a refusal (an error body's details, or a simulated step's). */
const codes = (refusal: { details?: { code: string }[] } | undefined) => (refusal?.details ?? []).map((p) => p.code);

export const figures = {
  tried: 0,
  fiveHundreds: 0,
  hangs: 0,
  slowestHealthMs: 0,
  busiestLoopCpuMs: 0,
  healthOver100: 0,
  lateAttempts: [] as string[],
};

/** Time bounds missed in the scenario being run (see `bounded`). */
let late: string[] = [];

/** Each outcome: never 5xx (asserted at once); 4xx, or 2xx within 2 s; health within 100 ms (judged by `bounded`). */
async function judge(name: string, call: () => Promise<{ status: number; body: any }>): Promise<Outcome> {
  const o = await underProbe(call);
  if (process.env.GONGZHI_DEBUG_HEALTH)
    console.log(
      `${name}: ${o.status} in ${o.ms.toFixed(0)} ms, health max ${o.healthMax.toFixed(0)} ms over ${o.healthCount}, loop busy ${o.loopCpuMs.toFixed(0)} ms CPU`,
    );
  figures.tried++;
  figures.slowestHealthMs = Math.max(figures.slowestHealthMs, Math.round(o.healthMax));
  figures.busiestLoopCpuMs = Math.max(figures.busiestLoopCpuMs, Math.round(o.loopCpuMs));
  if (o.healthMax >= 100) figures.healthOver100++;
  if (o.status >= 500) figures.fiveHundreds++;
  expect(o.status, `${name}: ${JSON.stringify(o.body).slice(0, 300)}`).toBeLessThan(500);
  if (o.status < 400 && o.ms >= 2000) late.push(`${name}: answered in ${Math.round(o.ms)} ms`);
  if (o.loopCpuMs >= 100) late.push(`${name}: event loop busy for ${Math.round(o.loopCpuMs)} ms of CPU`);
  return o;
}

/**
 * Runs a hostile scenario (all its calls afresh) until its bounds hold, at most 3 times: a server that blocks misses
 * them every time, while a garbage collection that happened to land in the window passes on the next run. The
 * bounds themselves are never widened.
 */
async function bounded(scenario: () => Promise<void>): Promise<void> {
  let missed: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    late = [];
    await scenario();
    missed = late;
    for (const m of missed) figures.lateAttempts.push(m);
    if (!missed.length) break;
  }
  figures.hangs += missed.filter((m) => m.includes('answered in')).length;
  expect(missed, 'bounds missed on three runs').toEqual([]);
}

describe('eventless loops (fault 1)', () => {
  for (const [name, def] of Object.entries(LOOPS)) {
    it(`${name}: simulate, draft, publish, start and step are refused or bounded`, () =>
      bounded(async () => {
        const sim = await judge(`${name} simulate`, () =>
          designer.post('/api/packs/national/procedures/grid-event/simulate', {
            data: { n: 0 },
            events: [{ type: 'GO' }, { type: 'GO' }],
            definition: def,
          }),
        );
        if (UNGUARDED.has(name)) {
          expect(sim.status).toBe(422);
          expect(sim.body.error.code).toBe('INVALID_DEFINITION');
          expect(codes(sim.body.error)).toContain('ALWAYS_LOOP');
        } else {
          // a loop that depends on the data passes validation; the engine's step budget refuses the step that loops
          // (the start itself when the loop is on the initial state)
          expect(sim.status).toBe(200);
          const looping = name.includes('initial') ? sim.body[0] : sim.body[1];
          expect(looping.refused?.code).toBe('INVALID_DEFINITION');
          expect(codes(looping.refused)).toEqual(['STEP_BUDGET']);
        }
        const draft = await judge(`${name} draft`, () =>
          designer.put('/api/packs/national/procedures/hostile/draft', def),
        );
        // a draft may be unfinished or invalid (it is kept, with its problems); publishing refuses what validation refuses
        expect(draft.status).toBe(200);
        const pub = await judge(`${name} publish`, () =>
          designer.post('/api/packs/national/procedures/hostile/publish'),
        );
        if (sim.status === 422) {
          expect(pub.status).toBe(422);
          return;
        }
        expect(pub.status).toBe(201);
        const start = await judge(`${name} start`, () =>
          designer.post('/api/instances', { pack: 'national', procedure: 'hostile', data: { n: 0 } }),
        );
        if (name.includes('initial')) {
          expect(start.status).toBe(422);
          expect(start.body.error.code).toBe('INVALID_DEFINITION');
          expect(codes(start.body.error)).toEqual(['STEP_BUDGET']);
          return;
        }
        expect(start.status).toBe(201);
        const step = await judge(`${name} step`, () =>
          designer.post(`/api/instances/${start.body.id}/events`, { type: 'GO' }),
        );
        expect(step.status).toBe(422);
        expect(step.body.error.code).toBe('INVALID_DEFINITION');
        expect(codes(step.body.error)).toEqual(['STEP_BUDGET']);
        // the refused step changed nothing: the case is still in its first state, at its first revision
        const after = await designer.get(`/api/instances/${start.body.id}`);
        expect([after.body.state, after.body.rev]).toEqual([start.body.state, start.body.rev]);
      }));
  }

  let day = 3;
  it('a deadline whose expiry re-arms it already due fires once, not for ever', () =>
    bounded(async () => {
      const def = doc(
        { initial: 'a', states: { a: { on: { GO: 'done', TICK: { target: 'a', reenter: true } } }, ...final } },
        {
          events: { GO: { title: T, roles: ['clerk'] }, TICK: { title: T, roles: ['clerk'], system: true } },
          deadlines: {
            again: { title: T, state: 'a', amount: 0, unit: 'calendarDays', onExpiry: { event: 'TICK' }, basis: T },
          },
        },
      );
      expect((await designer.put('/api/packs/national/procedures/hostile/draft', def)).status).toBe(200);
      expect((await designer.post('/api/packs/national/procedures/hostile/publish')).status).toBe(201);
      const c = await designer.post('/api/instances', { pack: 'national', procedure: 'hostile', data: {} });
      expect(c.status).toBe(201);
      const now = `2025-09-${String(day++).padStart(2, '0')}T09:00:00+08:00`;
      const moved = await judge('re-armed deadline: clock', () => admin.put('/api/admin/clock', { now }));
      expect(moved.status).toBe(200);
      const h = (await admin.get(`/api/instances/${c.body.id}/history`)).body as { type: string }[];
      expect(h.length).toBeLessThan(5);
      const sim = await judge('re-armed deadline: simulate', () =>
        designer.post('/api/packs/national/procedures/grid-event/simulate', {
          data: {},
          events: [{ type: 'GO', at: '2025-09-10T09:00:00+08:00' }],
          definition: def,
        }),
      );
      expect(sim.status).toBe(200);
      expect(sim.body.length).toBeLessThan(10);
    }));
});

const sim =
  (def: unknown, data: unknown = {}) =>
  () =>
    designer.post('/api/packs/national/procedures/grid-event/simulate', { data, events: [], definition: def });
const draft = (def: unknown) => () => designer.put('/api/packs/national/procedures/hostile/draft', def);
const withData = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  doc({ initial: 'a', states: { a: { on: { GO: 'done' } }, ...final } }, { data, ...extra });
const evil = 'a'.repeat(40) + '!';
const manyProps = (n: number) => ({
  type: 'object',
  properties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'string' }])),
});

/** name → [definition, start data]: each refused at validation (422) or validated in time linear in the input. */
const SCHEMAS: Record<string, [unknown, unknown]> = {
  'ReDoS pattern ^(a+)+$ on start data': [
    withData({ type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } }),
    { name: evil },
  ],
  'ReDoS in patternProperties': [
    withData({ type: 'object', patternProperties: { '^(a|a)*$': { type: 'string' } } }),
    { [evil]: 1 },
  ],
  'ReDoS in propertyNames': [withData({ type: 'object', propertyNames: { pattern: '^(a|aa)+$' } }), { [evil]: 1 }],
  'look-ahead pattern (not RE2)': [
    withData({ type: 'object', properties: { x: { type: 'string', pattern: '^(?=a)a$' } } }),
    {},
  ],
  'back-reference pattern (not RE2)': [
    withData({ type: 'object', properties: { x: { type: 'string', pattern: '^(a)\\1$' } } }),
    {},
  ],
  'uniqueItems over objects without maxItems': [
    withData({ type: 'object', properties: { list: { type: 'array', uniqueItems: true } } }),
    { list: Array.from({ length: 20_000 }, (_, i) => ({ i })) },
  ],
  'uniqueItems over strings (hashed)': [
    withData({ type: 'object', properties: { list: { type: 'array', uniqueItems: true, items: { type: 'string' } } } }),
    { list: Array.from({ length: 20_000 }, (_, i) => `s${i}`) },
  ],
  '20,000-property schema': [withData(manyProps(20_000)), {}],
  'many distinct large payload schemas': [
    withData(
      { type: 'object' },
      {
        events: Object.fromEntries(
          Array.from({ length: 60 }, (_, i) => [`E${i}`, { title: T, roles: ['clerk'], payload: manyProps(150 + i) }]),
        ),
      },
    ),
    {},
  ],
  "$ref: '#'": [withData({ type: 'object', properties: { child: { $ref: '#' } } }), { child: { child: {} } }],
  'allOf reference cycle': [
    withData({
      $defs: { a: { allOf: [{ $ref: '#/$defs/b' }] }, b: { allOf: [{ $ref: '#/$defs/a' }] } },
      $ref: '#/$defs/a',
    }),
    {},
  ],
  $dynamicRef: [
    withData({ $dynamicAnchor: 'node', type: 'object', properties: { next: { $dynamicRef: '#node' } } }),
    {},
  ],
  '2,000 states': [
    doc({
      initial: 's0',
      states: {
        ...Object.fromEntries(
          Array.from({ length: 2000 }, (_, i) => [`s${i}`, { on: { GO: i < 1999 ? `s${i + 1}` : 'done' } }]),
        ),
        ...final,
      },
    }),
    {},
  ],
};

describe('schema and size blow-ups (faults 5 and 6, definitions refused at validation)', () => {
  for (const [name, [def, data]] of Object.entries(SCHEMAS)) {
    it(`${name}: refused (4xx) or answered in bounded time`, () =>
      bounded(async () => {
        const s = await judge(`${name} simulate`, sim(def, data));
        if (s.status === 200) expect(s.body[0].refused?.code ?? 'STARTED', name).toMatch(/INVALID_PAYLOAD|STARTED/);
        const d = await judge(`${name} draft`, draft(def));
        expect([200, 422]).toContain(d.status);
      }));
  }

  it('a start with a ReDoS string against a published pattern is refused at once', () =>
    bounded(async () => {
      const [def, data] = SCHEMAS['ReDoS pattern ^(a+)+$ on start data'];
      expect((await designer.put('/api/packs/national/procedures/hostile/draft', def)).status).toBe(200);
      expect((await designer.post('/api/packs/national/procedures/hostile/publish')).status).toBe(201);
      const r = await judge('ReDoS start', () =>
        designer.post('/api/instances', { pack: 'national', procedure: 'hostile', data }),
      );
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('INVALID_PAYLOAD');
    }));

  it('a number too large for a double (1e309) is refused (400), not read as Infinity', () =>
    bounded(async () => {
      const r = await judge('1e309', () =>
        designer.call('POST', '/api/instances', '{"pack":"national","procedure":"hostile","data":{"n":1e309}}', {
          'content-type': 'application/json',
        }),
      );
      expect(r.status).toBe(400);
    }));
});

describe('figures', () => {
  it('prints what the corpus tried', () => {
    report('hostile definitions', {
      'inputs tried': figures.tried,
      '5xx': figures.fiveHundreds,
      hangs: figures.hangs,
      'busiest event loop stretch (ms CPU)': figures.busiestLoopCpuMs,
      'slowest health answer (ms wall)': figures.slowestHealthMs,
      'health answers over 100 ms wall': figures.healthOver100,
      'scenarios re-run': figures.lateAttempts.length,
    });
    if (figures.lateAttempts.length) console.log(`[adversarial] re-measured after: ${figures.lateAttempts.join('; ')}`);
    expect(figures.tried).toBeGreaterThan(0);
  });
});
