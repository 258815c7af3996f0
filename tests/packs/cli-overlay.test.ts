/**
 * `gongzhi diff` / `validate` show a county that no longer follows its base as conflicted (what conflicts, with the
 * base's value then and now and the county's); `gongzhi overlay --write` turns a copy of a base procedure and a merge
 * patch into overlay operations, after which the pack validates and its diff is unchanged.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../server/cli/main';

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(args, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

describe('gongzhi diff and validate: a conflicted county', () => {
  it('lists each conflict in words and exits 1', async () => {
    const r = await cli('diff', 'tests/packs/fixtures/conflicted-county');
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ 与上级包冲突 / conflicted with its base: 3 处 / conflict(s)');
    expect(r.out).toContain(
      '✗ [patch] dispute-mediation /machine/states/revisit/meta/title: 上级已删除 removed by the base',
    );
    expect(r.out).toContain(
      '本地修改时上级为 base then "workingDays" · 上级现为 base now "calendarDays" · 本地 county "naturalDays"',
    );
    expect(r.out).toContain('✗ [parameter] 参数 parameter mediationDays: 上级也已修改 changed by the base too');
    // the change that still applies is listed as a change, with old → new
    expect(r.out).toContain('标题 title dispute-mediation stateTitles.mediation: 「调解」 → 「人民调解(示例)」');
    const v = await cli('validate', 'tests/packs/fixtures/conflicted-county');
    expect(v.code).toBe(1);
    expect(v.out).toContain('conflicts with its base: conflicted-county — 3');
  });

  it('a county that follows its base: every change with old → new and its basis, and no conflict', async () => {
    const r = await cli('diff', 'configs/packs/nanchang-county');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      '参数 parameter smallClaimsCap: 50000 → 38000(示例 sample) — 依据 basis「《民事诉讼法》第165条(江西省上年度城镇非私营单位就业人员年平均工资的百分之五十以下',
    );
    expect(r.out).toContain('✓ 跟随上级包,无冲突 / follows its base, no conflict (national → nanchang-county)');
  });
});

describe('gongzhi overlay', () => {
  it('turns a full copy and a merge patch into operations against the base; the pack then validates and diffs the same', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gz-overlay-')), 'copy-county');
    cpSync('configs/packs/nanchang-county', dir, { recursive: true });
    // nanchang lends its manifest only: its own changes of procedures (its triage) and their scenarios are not copied
    rmSync(join(dir, 'patches'), { recursive: true });
    rmSync(join(dir, 'scenarios'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8'));
    manifest.id = 'copy-county';
    delete manifest.parameters.smallClaimsCap.baseValue;
    writeFileSync(join(dir, 'pack.json'), JSON.stringify(manifest));
    const copy = JSON.parse(readFileSync('configs/packs/national/procedures/dispute-mediation.json', 'utf8'));
    copy.deadlines.mediationPeriod.amount = 20;
    mkdirSync(join(dir, 'procedures'));
    writeFileSync(join(dir, 'procedures', 'dispute-mediation.json'), JSON.stringify(copy));
    mkdirSync(join(dir, 'patches'));
    writeFileSync(
      join(dir, 'patches', 'grid-event.json'),
      JSON.stringify({
        procedure: 'grid-event',
        patch: { title: { 'zh-CN': '网格事件(南昌县示例)', en: 'Grid events (Nanchang sample)' } },
      }),
    );
    // the copy is refused as such
    const before = await cli('validate', dir);
    expect(before.code).toBe(1);
    expect(before.out).toContain('[FROZEN_COPY]');
    const diffBefore = (await cli('diff', dir)).out;

    const dry = await cli('overlay', dir);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('dispute-mediation: 完整副本 full copy → 1 个操作 operation(s)');
    expect(dry.out).toContain('grid-event: 合并补丁 merge patch → 1 个操作 operation(s)');
    expect(dry.out).toContain('参数 parameter smallClaimsCap: 记录上级原值 records the base value 50000');
    expect(existsSync(join(dir, 'procedures', 'dispute-mediation.json'))).toBe(true);

    const w = await cli('overlay', dir, '--write');
    expect(w.code).toBe(0);
    expect(existsSync(join(dir, 'procedures', 'dispute-mediation.json'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'patches', 'dispute-mediation.json'), 'utf8'))).toEqual({
      procedure: 'dispute-mediation',
      changes: [
        { op: 'replace', path: '/deadlines/mediationPeriod/amount', was: { param: 'mediationDays' }, value: 20 },
      ],
    });
    expect(JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8')).parameters.smallClaimsCap.baseValue).toBe(50000);
    expect((await cli('validate', dir)).code).toBe(0);
    const after = await cli('diff', dir);
    expect(after.code).toBe(0);
    expect(after.out).toContain(
      '期限 deadline dispute-mediation deadlines.mediationPeriod: amount {"param":"mediationDays"} → 20 — 依据 basis「《最高人民法院关于人民法院特邀调解的规定》第27条',
    );
    expect(after.out).toContain('标题 title grid-event title: 「网格事件/12345诉求闭环」 → 「网格事件(南昌县示例)」');
    expect((await cli('overlay', dir)).out).toContain('✓ 无需转换 / nothing to turn');
    expect(diffBefore).toContain("a county pack may not hold a full copy of the base's procedure 'dispute-mediation'");
  });
});
