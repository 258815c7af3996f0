/**
 * Law that changes while cases run: bases with versions by date (validation, the version a step records),
 * rules that test the step's date, rules a payload or the start data must satisfy (422), dated parameter
 * tables read by date, locks and diffs that cite bases.
 */
import { describe, expect, it } from 'vitest';
import {
  basisOn,
  compileProcedure,
  diffProcedure,
  formatBasis,
  resolvePacks,
  start,
  step,
  validateProcedure,
  type BasisVersion,
  type PackSource,
  type ProcedureDoc,
  type StepOk,
} from '../../engine';
import { withReferenceCheck } from '../support/reference-check';
import { loadPacksRoot } from '../../server/packs';

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const OLD: BasisVersion = { until: '2026-01-01', 'zh-CN': '旧法第9条(测试)', en: 'Old law Art. 9 (test)' };
const NEW: BasisVersion = { from: '2026-01-01', 'zh-CN': '新法第27条(测试)', en: 'New law Art. 27 (test)' };
const national = loadPacksRoot('configs/packs').find((s) => s.manifest.id === 'national')!;

/** A small procedure: VOTE passes by more than half before 2026-01-01 and by two thirds or more from then on. */
function doc(): ProcedureDoc {
  return {
    id: 'vote',
    title: t('表决', 'Vote'),
    data: {
      type: 'object',
      properties: {
        people: {
          type: 'array',
          items: {
            type: 'object',
            properties: { id: { type: 'string' }, name: { type: 'string' } },
            required: ['name'],
          },
        },
      },
    },
    roles: { clerk: { title: t('书记员', 'Clerk') } },
    events: {
      VOTE: {
        title: t('表决', 'Vote'),
        roles: ['clerk'],
        payloadRules: ['countsPossible'],
        payload: {
          type: 'object',
          required: ['entitled', 'present'],
          properties: {
            entitled: { type: 'integer' },
            present: { type: 'integer' },
            yes: { type: 'integer' },
            no: { type: 'integer' },
          },
        },
      },
      SIGN: {
        title: t('签名', 'Sign'),
        roles: ['clerk'],
        payloadRules: ['signersKnown'],
        payload: {
          type: 'object',
          required: ['signers'],
          properties: { signers: { type: 'array', items: { type: 'string' } } },
        },
      },
    },
    dataRules: ['idsUnique'],
    rules: {
      quorum: {
        description: t('法定人数', 'Quorum'),
        basis: [OLD, NEW],
        conditions: {
          any: [
            {
              all: [
                { fact: 'today', operator: 'dateBefore', value: '2026-01-01' },
                {
                  fact: 'event',
                  path: '$.present',
                  operator: 'moreThanHalfOf',
                  value: { fact: 'event', path: '$.entitled' },
                },
              ],
            },
            {
              all: [
                { fact: 'today', operator: 'dateOnOrAfter', value: '2026-01-01' },
                {
                  fact: 'event',
                  path: '$.present',
                  operator: 'atLeastTwoThirdsOf',
                  value: { fact: 'event', path: '$.entitled' },
                },
              ],
            },
          ],
        },
      },
      countsPossible: {
        description: t('票数不超过到会人数', 'Votes do not exceed those present'),
        basis: t('数据规则(测试)', 'Data rule (test)'),
        conditions: {
          all: [
            {
              fact: 'event',
              path: '$.present',
              operator: 'lessThanInclusive',
              value: { fact: 'event', path: '$.entitled' },
            },
            {
              fact: 'sum',
              params: { of: ['event.yes', 'event.no'] },
              operator: 'lessThanInclusive',
              value: { fact: 'event', path: '$.present' },
            },
          ],
        },
      },
      signersKnown: {
        description: t('签名人均可识别', 'Every signer is identified'),
        basis: t('数据规则(测试)', 'Data rule (test)'),
        conditions: {
          all: [
            {
              fact: 'event',
              path: '$.signers',
              operator: 'identifiesParties',
              value: { fact: 'data', path: '$.people' },
            },
          ],
        },
      },
      everyoneSigned: {
        description: t('全体签名', 'Everyone signed'),
        basis: t('测试', 'Test'),
        conditions: {
          all: [
            {
              fact: 'event',
              path: '$.signers',
              operator: 'identifiesAllParties',
              value: { fact: 'data', path: '$.people' },
            },
          ],
        },
      },
      idsUnique: {
        description: t('编号不重复', 'Ids are unique'),
        basis: t('数据规则(测试)', 'Data rule (test)'),
        conditions: { all: [{ fact: 'data', path: '$.people[*].id', operator: 'allDistinct', value: true }] },
      },
    },
    deadlines: {},
    machine: {
      initial: 'open',
      states: {
        open: {
          entry: [{ type: 'assignIds', params: { path: 'people', prefix: 'p' } }],
          on: { VOTE: { target: 'passed', guard: 'quorum' }, SIGN: { target: 'signed', guard: 'everyoneSigned' } },
        },
        passed: { type: 'final' },
        signed: { type: 'final' },
      },
    },
  };
}

function packOf(procedure: ProcedureDoc, parameters: PackSource['manifest']['parameters'] = {}) {
  const src: PackSource = {
    manifest: { id: 'dated', title: t('测试', 'Test'), parameters },
    procedures: { [procedure.id]: procedure },
    data: national.data,
  };
  const { packs, problems } = resolvePacks([src]);
  expect(problems).toEqual([]);
  return packs.dated;
}

const clerk = { subject: 'c', roles: ['clerk'] };
const at = (iso: string) => ({ now: new Date(iso) });
const people = [{ name: '王芳' }, { name: '王芳' }, { name: '李明', id: 'p1' }];

describe('a rule that changed on 2026-01-01 (json-rules-engine agreeing on every evaluation)', () => {
  const check = withReferenceCheck({ ...doc(), version: 1 }, packOf(doc()));
  const proc = check.proc;
  const begin = async (iso: string) => (await start(proc, { id: 'x', data: { people } }, at(iso))) as StepOk;

  it('judges a 2025 step by the old test and records the old basis', async () => {
    const s = await begin('2025-12-30T10:00:00+08:00');
    const r = await step(
      proc,
      s.instance,
      { type: 'VOTE', payload: { entitled: 30, present: 16, yes: 0, no: 0 }, actor: clerk },
      at('2025-12-31T10:00:00+08:00'),
    );
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.history.rules.find((x) => x.rule === 'quorum')).toMatchObject({ result: true, basis: OLD });
    expect(await check.disagreements()).toEqual([]);
  });

  it('takes each step of a case across 2026-01-01 under the law of its date: 16 of 30 no longer a quorum, 20 of 30 is, 19 is not', async () => {
    const s = await begin('2025-12-30T10:00:00+08:00');
    const refused = await step(
      proc,
      s.instance,
      { type: 'VOTE', payload: { entitled: 30, present: 16, yes: 0, no: 0 }, actor: clerk },
      at('2026-01-02T10:00:00+08:00'),
    );
    expect(refused).toMatchObject({ ok: false, code: 'GUARD_REJECTED' });
    if (!refused.ok)
      expect((refused.details as { rules: { rule: string; basis: BasisVersion }[] }).rules).toEqual([
        expect.objectContaining({ rule: 'quorum', basis: NEW }),
      ]);
    const nineteen = await step(
      proc,
      s.instance,
      { type: 'VOTE', payload: { entitled: 30, present: 19, yes: 0, no: 0 }, actor: clerk },
      at('2026-01-02T10:00:00+08:00'),
    );
    expect(nineteen).toMatchObject({ ok: false, code: 'GUARD_REJECTED' });
    const twenty = await step(
      proc,
      s.instance,
      { type: 'VOTE', payload: { entitled: 30, present: 20, yes: 0, no: 0 }, actor: clerk },
      at('2026-01-02T10:00:00+08:00'),
    );
    expect(twenty.ok).toBe(true);
    if (twenty.ok) expect(twenty.history.rules.find((x) => x.rule === 'quorum')?.basis).toEqual(NEW);
    expect(await check.disagreements()).toEqual([]);
  });

  it('refuses impossible counts with 422 naming the rule and the payload field, and changes nothing', async () => {
    const s = await begin('2026-01-05T10:00:00+08:00');
    const before = structuredClone(s.instance);
    for (const payload of [
      { entitled: 30, present: 31, yes: 0, no: 0 },
      { entitled: 30, present: 20, yes: 15, no: 6 },
    ]) {
      const r = await step(proc, s.instance, { type: 'VOTE', payload, actor: clerk }, at('2026-01-06T10:00:00+08:00'));
      expect(r).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
      if (!r.ok)
        expect(r.details).toEqual([
          expect.objectContaining({ rule: 'countsPossible', path: '/payload/present', code: 'RULE' }),
        ]);
    }
    expect(s.instance).toEqual(before);
    expect(await check.disagreements()).toEqual([]);
  });

  it('gives parties without an id p1, p2, … skipping ids already taken; a shared name identifies nobody', async () => {
    const s = await begin('2026-01-05T10:00:00+08:00');
    expect((s.instance.data.people as { id: string }[]).map((p) => p.id)).toEqual(['p2', 'p3', 'p1']);
    const ambiguous = await step(
      proc,
      s.instance,
      { type: 'SIGN', payload: { signers: ['王芳', '李明'] }, actor: clerk },
      at('2026-01-06T10:00:00+08:00'),
    );
    expect(ambiguous).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    if (!ambiguous.ok)
      expect(ambiguous.details).toEqual([expect.objectContaining({ rule: 'signersKnown', path: '/payload/signers' })]);
    const unknown = await step(
      proc,
      s.instance,
      { type: 'SIGN', payload: { signers: ['p9'] }, actor: clerk },
      at('2026-01-06T10:00:00+08:00'),
    );
    expect(unknown).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    const partial = await step(
      proc,
      s.instance,
      { type: 'SIGN', payload: { signers: ['p2', '李明'] }, actor: clerk },
      at('2026-01-06T10:00:00+08:00'),
    );
    expect(partial).toMatchObject({ ok: false, code: 'GUARD_REJECTED' });
    const all = await step(
      proc,
      s.instance,
      { type: 'SIGN', payload: { signers: ['p2', 'p3', '李明'] }, actor: clerk },
      at('2026-01-06T10:00:00+08:00'),
    );
    expect(all).toMatchObject({ ok: true, instance: { state: 'signed' } });
    expect(await check.disagreements()).toEqual([]);
  });

  it('refuses start data that breaks a data rule (two parties with one id) with 422 and creates nothing', async () => {
    const r = await start(
      proc,
      {
        id: 'y',
        data: {
          people: [
            { name: 'a', id: 'p1' },
            { name: 'b', id: 'p1' },
          ],
        },
      },
      at('2026-01-05T10:00:00+08:00'),
    );
    expect(r).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    if (!r.ok) expect(r.details).toEqual([expect.objectContaining({ rule: 'idsUnique', path: '/data/people/id' })]);
    expect(await check.disagreements()).toEqual([]);
  });
});

describe('basis versions', () => {
  it('basisOn picks the version in force (from inclusive, until exclusive); a plain text is in force always', () => {
    expect(basisOn([OLD, NEW], '2025-12-31')).toBe(OLD);
    expect(basisOn([OLD, NEW], '2026-01-01')).toBe(NEW);
    expect(basisOn(t('a', 'b'), '1999-01-01')).toEqual(t('a', 'b'));
    expect(formatBasis([OLD, NEW])['zh-CN']).toBe('〔2026-01-01前〕旧法第9条(测试);〔2026-01-01起〕新法第27条(测试)');
  });

  it('validation lists overlapping, gapped, unordered and open-ended versions, and a missing language', () => {
    const bad = (basis: unknown) => {
      const d = doc();
      (d.rules.quorum as { basis: unknown }).basis = basis;
      return validateProcedure(d).filter((p) => p.path.startsWith('/rules/quorum/basis'));
    };
    expect(bad([OLD, NEW])).toEqual([]);
    expect(bad([{ ...OLD, until: '2026-02-01' }, NEW]).map((p) => p.code)).toContain('BASIS_VERSIONS'); // overlap
    expect(bad([{ ...OLD, until: '2025-12-01' }, NEW]).map((p) => p.code)).toContain('BASIS_VERSIONS'); // gap
    expect(bad([NEW, OLD]).map((p) => p.code)).toContain('BASIS_VERSIONS'); // unordered
    expect(bad([{ ...OLD, from: '2020-01-01' }, NEW]).map((p) => p.code)).toContain('BASIS_VERSIONS'); // first has a from
    expect(bad([OLD, { ...NEW, until: '2030-01-01' }]).map((p) => p.code)).toContain('BASIS_VERSIONS'); // last has an until
    expect(bad([OLD, { from: '2026-01-01', 'zh-CN': '新法' }]).length).toBeGreaterThan(0); // no English
    expect(bad([{ ...OLD, until: '2026-13-01' }, NEW]).length).toBeGreaterThan(0);
  });

  it('a rule that tests the date must change its basis on that date (BASIS_NOT_DATED)', () => {
    const d = doc();
    d.rules.quorum.basis = t('只有一个版本', 'One version only');
    expect(validateProcedure(d).map((p) => [p.code, p.path])).toContainEqual([
      'BASIS_NOT_DATED',
      '/rules/quorum/basis',
    ]);
    d.rules.quorum.basis = [
      { ...OLD, until: '2025-07-01' },
      { ...NEW, from: '2025-07-01' },
    ];
    expect(validateProcedure(d).map((p) => p.code)).toContain('BASIS_NOT_DATED');
  });

  it('diff lists a changed basis as its own override', () => {
    const a = doc();
    const b = doc();
    b.rules.quorum.basis = [OLD, { ...NEW, 'zh-CN': '新法第28条(测试)' }];
    expect(diffProcedure(a, b)).toContainEqual({
      kind: 'basis',
      change: 'changed',
      procedure: 'vote',
      path: 'rules.quorum.basis',
      from: a.rules.quorum.basis,
      to: b.rules.quorum.basis,
    });
  });
});

describe('parameters with a dated table', () => {
  const capDoc = (): ProcedureDoc => ({
    ...doc(),
    events: {
      FILE: {
        title: t('立案', 'File'),
        roles: ['clerk'],
        payload: {
          type: 'object',
          required: ['filedOn', 'amount'],
          properties: { filedOn: { type: 'string' }, amount: { type: 'number' }, agreed: { type: 'boolean' } },
        },
      },
    },
    dataRules: [],
    rules: {
      withinCap: {
        description: t('不超过上限', 'Within the cap'),
        basis: t('测试', 'Test'),
        conditions: {
          all: [
            {
              fact: 'event',
              path: '$.amount',
              operator: 'lessThanInclusive',
              value: { fact: 'paramOn', params: { name: 'cap', on: 'event.filedOn' } },
            },
          ],
        },
      },
      withinTwiceAgreed: {
        description: t('不超过两倍且约定', 'Within twice the cap, agreed'),
        basis: t('测试', 'Test'),
        conditions: {
          all: [
            { fact: 'event', path: '$.agreed', operator: 'isTrue', value: true },
            {
              fact: 'event',
              path: '$.amount',
              operator: 'lessThanInclusive',
              value: { fact: 'paramOn', params: { name: 'cap', on: 'event.filedOn', factor: 2 } },
            },
          ],
        },
      },
    },
    machine: {
      initial: 'filing',
      states: {
        filing: {
          on: {
            FILE: [
              { target: 'small', guard: 'withinCap' },
              { target: 'small', guard: 'withinTwiceAgreed' },
              { target: 'simplified' },
            ],
          },
        },
        small: { type: 'final' },
        simplified: { type: 'final' },
      },
    },
  });
  const cap = {
    value: 200,
    title: t('上限(测试)', 'Cap (test)'),
    basis: t('测试', 'Test'),
    sample: true,
    table: [
      { from: '2025-01-01', value: 100, source: t('示例', 'Sample'), sample: true },
      { from: '2026-03-01', value: 200, source: t('示例', 'Sample'), sample: true },
    ],
  };

  it('reads the row in force on the filing day, times a factor; before the first row there is no figure (as json-rules-engine)', async () => {
    const check = withReferenceCheck({ ...capDoc(), version: 1 }, packOf(capDoc(), { cap }));
    const proc = check.proc;
    const s = (await start(proc, { id: 'c', data: {} }, at('2026-03-05T10:00:00+08:00'))) as StepOk;
    const file = async (filedOn: string, amount: number, agreed?: boolean) => {
      const r = await step(
        proc,
        s.instance,
        { type: 'FILE', payload: { filedOn, amount, ...(agreed ? { agreed } : {}) }, actor: clerk },
        at('2026-03-05T11:00:00+08:00'),
      );
      return r.ok ? r.instance.state : r.code;
    };
    expect(await file('2026-02-28', 150)).toBe('simplified');
    expect(await file('2026-03-01', 150)).toBe('small');
    expect(await file('2026-02-28', 100)).toBe('small');
    expect(await file('2026-02-28', 200, true)).toBe('small');
    expect(await file('2026-02-28', 201, true)).toBe('simplified');
    expect(await file('2024-12-31', 1)).toBe('simplified');
    expect(await check.disagreements()).toEqual([]);
  });

  it('validation: rows in increasing order, value equal to the last row', () => {
    const run = (p: unknown) =>
      resolvePacks([
        {
          manifest: { id: 'dated', title: t('测试', 'Test'), parameters: { cap: p as never } },
          procedures: {},
          data: {},
        },
      ]).problems;
    expect(run(cap)).toEqual([]);
    expect(run({ ...cap, value: 100 }).map((p) => p.code)).toEqual(['PARAMETER_TABLE']);
    expect(run({ ...cap, table: [cap.table[1], cap.table[0]], value: 100 }).map((p) => p.code)).toContain(
      'PARAMETER_TABLE',
    );
    expect(run({ ...cap, basis: [OLD, { ...NEW, from: '2026-02-01' }] }).map((p) => p.code)).toContain(
      'BASIS_VERSIONS',
    );
  });
});

describe('locks cite their basis', () => {
  it('a county changing a locked parameter or a rule locked in the manifest is refused citing the basis in force now', () => {
    const base: PackSource = {
      manifest: {
        id: 'base',
        title: t('基础', 'Base'),
        parameters: { days: { value: 10, title: t('天数', 'Days'), basis: [OLD, NEW], locked: true } },
        locked: {
          rules: [
            {
              item: 'vote/quorum',
              basis: [OLD, { ...NEW, 'zh-CN': '新法第28条(锁定理由,测试)', en: 'New law Art. 28 (why locked, test)' }],
            },
          ],
        },
      },
      procedures: { vote: doc() },
      data: national.data,
    };
    const county: PackSource = {
      manifest: {
        id: 'county',
        extends: 'base',
        title: t('县', 'County'),
        parameters: { days: { value: 7, title: t('天数', 'Days'), basis: t('县', 'County') } },
      },
      procedures: {},
      patches: { vote: { rules: { quorum: { description: t('改过', 'Changed') } } } },
      data: {},
    };
    const locked = resolvePacks([base, county]).problems.filter((p) => p.code === 'PACK_LOCKED');
    expect(locked.map((p) => p.message['zh-CN'])).toEqual([
      expect.stringContaining('新法第27条(测试)'),
      expect.stringContaining('新法第28条(锁定理由,测试)'),
    ]);
    expect(locked[1].message.en).toContain('why locked');
  });
});
