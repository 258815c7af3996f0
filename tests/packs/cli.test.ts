/**
 * The `gongzhi` CLI as a child process: what only the CLI does — reading a pack folder and its base from disk,
 * printing the verdict, the exit code — on one county pack (tests/packs/scenarios.test.ts runs every pack's scenarios
 * in-process); deliberately broken copies in tests/packs/fixtures/ fail with the right message and exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'server/cli/gongzhi.js');
function gongzhi(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: process.cwd() });
  return { code: r.status, out: r.stdout + r.stderr };
}

const packs = readdirSync('configs/packs').filter((d) => existsSync(join('configs/packs', d, 'pack.json')));
/** A county pack: the CLI must find and resolve its base (national) from the folder beside it. */
const COUNTY = 'nanchang-county';

describe('gongzhi validate / test on a bundled county pack', { timeout: 30_000 }, () => {
  it('the four county packs are there', () => {
    expect(packs).toEqual(
      expect.arrayContaining(['national', COUNTY, 'baoan-district', 'gaotai-county', 'jiangyin-city']),
    );
  });
  it(`validate ${COUNTY}: exit 0`, () => {
    const r = gongzhi('validate', `configs/packs/${COUNTY}`);
    expect(r.out).toContain(`✓ 校验通过 / validation passed: ${COUNTY}`);
    expect(r.code).toBe(0);
  });
  it(`test ${COUNTY}: exit 0, every scenario passes`, () => {
    const r = gongzhi('test', `configs/packs/${COUNTY}`);
    expect(r.out).not.toContain('✗');
    expect(r.out).toMatch(/✓ 场景全部通过 \/ all scenarios passed: \d+/);
    expect(r.code).toBe(0);
  });
});

describe('broken fixtures fail with the right message and exit code', { timeout: 30_000 }, () => {
  it('validate: a patch naming a missing rule → exit 1, code, file and JSON path', () => {
    const r = gongzhi('validate', 'tests/packs/fixtures/broken-patch');
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ 校验失败 / validation failed: broken-patch');
    expect(r.out).toContain('[UNKNOWN_RULE]');
    expect(r.out).toContain(join('broken-patch', 'patches', 'community-consultation.json'));
    expect(r.out).toContain(
      '/packs/broken-patch/procedures/community-consultation/machine/states/noticed/on/CONVENE/guard',
    );
    expect(r.out).toContain('noSuchRule');
  });
  it('test: a broken pack is not run → exit 1', () => {
    const r = gongzhi('test', 'tests/packs/fixtures/broken-patch');
    expect(r.code).toBe(1);
    expect(r.out).toContain('[UNKNOWN_RULE]');
  });
  it('test: a scenario whose expectation is wrong → exit 1 naming the scenario and the mismatch', () => {
    const r = gongzhi('test', 'tests/packs/fixtures/failing-scenario');
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ failing-scenario/dispute-mediation-wrong-track');
    expect(r.out).toContain('data.track: expected "smallClaims", got "simplified"');
    expect(r.out).toContain('✗ 场景失败 / scenarios failed: 1/');
  });
  it('validate: a locked parameter overridden → exit 1 with PACK_LOCKED', () => {
    const r = gongzhi('validate', 'tests/packs/fixtures/locked-param');
    expect(r.code).toBe(1);
    expect(r.out).toContain('[PACK_LOCKED]');
    expect(r.out).toContain('confirmationWindowDays');
    expect(r.out).toContain('县级配置包不得修改');
  });
  it('validate: a folder without pack.json → exit 1', () => {
    const r = gongzhi('validate', 'tests/packs/fixtures');
    expect(r.code).toBe(1);
    expect(r.out).toContain('找不到配置包清单 / pack manifest not found');
  });
});

describe('gongzhi diff, bundle, help', { timeout: 30_000 }, () => {
  it('diff nanchang-county prints the cap override in words', () => {
    const r = gongzhi('diff', 'configs/packs/nanchang-county');
    expect(r.code).toBe(0);
    expect(r.out).toContain('参数 parameter smallClaimsCap: 50000 → 38000(示例 sample)');
  });
  it('diff gaotai-county names the proposed meeting day with its basis, and the retitled states', () => {
    const r = gongzhi('diff', 'configs/packs/gaotai-county');
    expect(r.out).toContain('参数 parameter proposedMeetingWeekday: 0 → 5');
    expect(r.out).toContain('依据 basis parameters.proposedMeetingWeekday.basis: 「本配置包不建议固定会议日');
    expect(r.out).toContain('→ 「高台县“1+5+X”民主协商议事、周五说事日');
    expect(r.out).toContain('「提出议题」 → 「居民提事」');
    expect(r.out).toContain('「反馈评议」 → 「网格评事」');
  });
  it('diff baoan-district lists the items its duty list adds, by id and title', () => {
    const r = gongzhi('diff', 'configs/packs/baoan-district');
    expect(r.out).toContain(
      '数据 data 新增 added data/duty-lists/statutory/BA-S01: 「组织实施“四议两公开”社区重大事项议事决策(示例)」',
    );
    expect(r.out).toContain('data/duty-lists/negative/BA-N01');
  });
  it('bundle writes a gongzhi-pack/1 file', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gongzhi-')), 'b.json');
    const r = gongzhi('bundle', 'configs/packs/gaotai-county', '--out', out);
    expect(r.code).toBe(0);
    const b = JSON.parse(readFileSync(out, 'utf8'));
    expect(b.format).toBe('gongzhi-pack/1');
    expect(b.manifest.id).toBe('gaotai-county');
    // gaotai changes two national procedures: the consultation's meeting day, and the grid event's graded response
    expect(Object.keys(b.patches).sort()).toEqual(['community-consultation', 'grid-event']);
    expect(Object.keys(b.scenarios)).toEqual(
      expect.arrayContaining(['community-consultation-friday', 'grid-event-graded-by-rule']),
    );
  });
  it('help exits 0; unknown command → usage, exit 2', () => {
    expect(gongzhi('help').code).toBe(0);
    const r = gongzhi('frobnicate');
    expect(r.code).toBe(2);
    expect(r.out).toContain('未知命令 / unknown command: frobnicate');
    expect(r.out).toContain('用法 / usage');
  });
  it('an unknown option, or an option without its value → usage, exit 2 (nothing run)', () => {
    for (const args of [
      ['validate', `configs/packs/${COUNTY}`, '--frob'],
      ['bundle', `configs/packs/${COUNTY}`, '--out'],
    ]) {
      const r = gongzhi(...args);
      expect(r.code).toBe(2);
      expect(r.out).toContain('参数有误 / bad arguments');
      expect(r.out).not.toContain('✓');
    }
  });
});
