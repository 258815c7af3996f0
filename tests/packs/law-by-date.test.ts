/**
 * The bundled packs cite the law as in force on each date: the 2018 residents' law and the old village-law
 * articles appear only in basis versions that end by 2026-01-01; the statutory 10-day notice is locked; a pack
 * that requires staff to follow the task refuses an approval without them; the county packs cite their sources.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileProcedure, resolvePacks, start, step, type PackSource, type StepOk } from '../../engine';
import { loadPacksRoot } from '../../server/packs';

const ROOT = 'configs/packs';
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });

/** Old citations: the 2018 residents' law, and the village-law article numbers the 2025 amendment renumbered. */
const OLD_LAW = [/2018/, /村民委员会组织法》第(21|22|26|37)条/, /Villagers' Committees, Art\. (21|22|26|37)\b/];

/** Every string of a JSON value that cites old law, with the object holding it. */
function oldCitations(
  v: unknown,
  path: string,
  holder: Record<string, unknown> | null,
  out: { path: string; text: string; holder: Record<string, unknown> | null }[],
) {
  if (typeof v === 'string') {
    if (OLD_LAW.some((re) => re.test(v))) out.push({ path, text: v, holder });
  } else if (Array.isArray(v)) v.forEach((x, i) => oldCitations(x, `${path}/${i}`, holder, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) oldCitations(x, `${path}/${k}`, v as Record<string, unknown>, out);
  }
  return out;
}

describe('citations by date in the bundled packs', () => {
  const all = files(ROOT);

  it("the 2018 residents' law and old village-law articles are cited only in basis versions ending by 2026-01-01", () => {
    const found = all
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => oldCitations(JSON.parse(readFileSync(f, 'utf8')), f, null, []));
    expect(found.length).toBeGreaterThan(0); // the old law is still cited, for the steps before 2026
    for (const c of found) {
      expect(c.holder, `${c.path}: ${c.text}`).not.toBeNull();
      expect(typeof c.holder!.until, `${c.path} cites old law outside a dated version: ${c.text}`).toBe('string');
      expect(c.holder!.until as string, c.path).toBe('2026-01-01');
      expect(c.holder!.from, c.path).toBeUndefined();
    }
  });

  it('no other file (README) names 2018 at all', () => {
    for (const f of all.filter((x) => !x.endsWith('.json'))) expect(readFileSync(f, 'utf8'), f).not.toMatch(/2018/);
  });

  it('every rule that changes on 2026-01-01 cites the 2025 revision from that date', () => {
    const { packs, problems } = resolvePacks(loadPacksRoot(ROOT));
    expect(problems).toEqual([]);
    const dated = Object.values(packs.national.procedures).flatMap((doc) =>
      Object.entries(doc.rules)
        .filter(([, r]) => Array.isArray(r.basis))
        .map(([name, r]) => ({ name, basis: r.basis as { from?: string; 'zh-CN': string }[] })),
    );
    expect(dated.map((d) => d.name)).toEqual(
      expect.arrayContaining([
        'quorumReached',
        'majorityReached',
        'residentsMeetingNoticeObserved',
        'partyReviewedFirst',
        'noticePeriodObserved',
        'entrustedWorkLawful',
        'fundingDeclared',
      ]),
    );
    for (const d of dated) {
      const now = d.basis[d.basis.length - 1];
      expect(now.from, d.name).toBe('2026-01-01');
      expect(now['zh-CN'], d.name).not.toMatch(/2018/);
    }
  });
});

describe('statutory items are locked with their basis', () => {
  const sources = () => loadPacksRoot(ROOT);
  it("a county shortening the residents' meeting notice to 7 days is refused citing 2025 Art. 26", () => {
    const county: PackSource = {
      manifest: {
        id: 'short-notice',
        extends: 'national',
        title: { 'zh-CN': '缩短通知(测试)', en: 'Short notice (test)' },
        parameters: {
          residentsMeetingNoticeDays: {
            value: 7,
            title: { 'zh-CN': '7日', en: '7 days' },
            basis: { 'zh-CN': '测试', en: 'test' },
          },
        },
      },
      procedures: {},
      data: {},
    };
    const locked = resolvePacks([...sources(), county]).problems.filter((p) => p.code === 'PACK_LOCKED');
    expect(locked).toHaveLength(1);
    expect(locked[0].path).toBe('/packs/short-notice/parameters/residentsMeetingNoticeDays');
    expect(locked[0].message['zh-CN']).toContain('《城市居民委员会组织法》(2025)第26条');
  });

  it("a county dropping the Party organisation's review from CONVENE is refused", () => {
    const county: PackSource = {
      manifest: { id: 'no-party', extends: 'national', title: { 'zh-CN': '测试', en: 'Test' } },
      procedures: {},
      data: {},
      patches: {
        'community-consultation': {
          rules: { partyReviewedFirst: { conditions: { all: [{ fact: 'today', operator: 'exists', value: true }] } } },
        },
      },
    };
    const locked = resolvePacks([...sources(), county]).problems.filter((p) => p.code === 'PACK_LOCKED');
    expect(locked.map((p) => p.path)).toEqual([
      '/packs/no-party/procedures/community-consultation/rules/partyReviewedFirst',
    ]);
    expect(locked[0].message['zh-CN']).toContain('第30条');
  });
});

describe('staff follow the task where the pack says so', () => {
  it('with staffRequired, a 2026 approval without staff is refused naming staffDeclared; with staff it is admitted', async () => {
    const county: PackSource = {
      manifest: {
        id: 'staff-county',
        extends: 'national',
        title: { 'zh-CN': '人随事转(测试)', en: 'Staff follow the task (test)' },
        parameters: {
          staffRequired: {
            value: true,
            title: { 'zh-CN': '须配备人员(测试)', en: 'Staff required (test)' },
            basis: { 'zh-CN': '人随事转(测试用,示例)', en: 'Staff follow the task (test, sample)' },
            sample: true,
          },
        },
      },
      procedures: {},
      data: {},
    };
    const { packs, problems } = resolvePacks([...loadPacksRoot(ROOT), county]);
    expect(problems).toEqual([]);
    const proc = compileProcedure(
      { ...packs['staff-county'].procedures['duty-admission'], version: 1 },
      packs['staff-county'],
    );
    const data = {
      itemName: '社区燃气安全入户检查(示例)',
      department: '区住房和建设局(示例)',
      assignmentRole: 'assist',
      legalBasis: { document: '某省燃气管理条例(示例)', issuerLevel: 'provincial', kind: 'local-regulation' },
      funding: { amount: 50000, staff: 0 },
      submittedOn: '2026-03-02',
      plannedStart: '2026-05-11',
    };
    const office = { subject: 'o', roles: ['reduction-office'] };
    const s = (await start(proc, { id: 'x', data }, { now: new Date('2026-03-02T10:00:00+08:00') })) as StepOk;
    expect(s.instance.state).toBe('review');
    const refused = await step(
      proc,
      s.instance,
      { type: 'APPROVE', payload: {}, actor: office },
      { now: new Date('2026-03-03T10:00:00+08:00') },
    );
    expect(refused).toMatchObject({ ok: false, code: 'GUARD_REJECTED' });
    if (!refused.ok)
      expect((refused.details as { rules: { rule: string }[] }).rules.map((r) => r.rule)).toEqual(['staffDeclared']);
    const supplied = await step(
      proc,
      s.instance,
      {
        type: 'SUPPLEMENT',
        payload: { funding: { amount: 50000, staff: 2 }, legalBasis: data.legalBasis },
        actor: { subject: 'd', roles: ['department'] },
      },
      { now: new Date('2026-03-03T11:00:00+08:00') },
    );
    expect(supplied.ok).toBe(true);
    if (!supplied.ok) return;
    const approved = await step(
      proc,
      supplied.instance,
      { type: 'APPROVE', payload: {}, actor: office },
      { now: new Date('2026-03-03T12:00:00+08:00') },
    );
    expect(approved).toMatchObject({ ok: true, instance: { state: 'admitted' } });
  });
});

describe('county packs cite their sources', () => {
  it('jiangyin-city cites seed 003 for its 50–100-household micro-grids', () => {
    const patch = JSON.parse(readFileSync(join(ROOT, 'jiangyin-city/patches/grid-event.json'), 'utf8'));
    const micro = (patch.changes as { path: string; value: Record<string, any> }[]).find(
      (c) => c.path === '/data/properties/microGrid',
    )!.value;
    expect(micro.description).toContain('每50~100户设置一个微网格');
    expect(micro.description).toContain('seeds 003');
    expect(micro.properties.households).toMatchObject({ minimum: 50, maximum: 100 });
  });

  it('nanchang-county states its cap as a dated table whose figures are samples until a published one is cited', () => {
    const { packs } = resolvePacks(loadPacksRoot(ROOT));
    const cap = packs['nanchang-county'].parameters.smallClaimsCap;
    expect(cap.table?.length).toBeGreaterThan(0);
    for (const row of cap.table!) {
      const published = !row.sample;
      if (!published) expect(row.source['zh-CN']).toContain('示例');
      else expect(row.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('gaotai-county proposes Friday and refuses no other day', () => {
    const { packs } = resolvePacks(loadPacksRoot(ROOT));
    const gaotai = packs['gaotai-county'];
    expect(gaotai.parameters.proposedMeetingWeekday.value).toBe(5);
    const text = JSON.stringify(gaotai.procedures['community-consultation'].rules);
    expect(text).not.toContain('isWeekday');
  });
});
