/**
 * `gongzhi calendar import <notice.txt>`: the official notice texts become exactly the shipped calendar files; a
 * notice that contradicts the statute is refused with the day named and nothing written; `gongzhi test` shows which
 * scenario deadlines are provisional.
 */
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gongzhi } from './cli-run';
import { tempDir } from '../server/helpers';

function packsCopy(): string {
  const dir = tempDir('gongzhi-cli-cal-');
  cpSync('configs/packs', dir, { recursive: true });
  return dir;
}

describe('gongzhi calendar import', { timeout: 30_000 }, () => {
  it.each([2025, 2026])('writes the %i notice as the shipped calendar file, byte for byte', async (year) => {
    const dir = packsCopy();
    const target = join(dir, `national/data/calendar-${year}.json`);
    rmSync(target);
    const r = await gongzhi([
      'calendar',
      'import',
      `tests/engine/fixtures/notices/${year}.txt`,
      '--pack',
      'national',
      '--packs-dir',
      dir,
    ]);
    expect(r.out).toContain('✓ 已读取 / read: 国务院办公厅关于' + year);
    expect(r.code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(
      readFileSync(`configs/packs/national/data/calendar-${year}.json`, 'utf8'),
    );
  });

  it('--dry-run writes nothing; a notice missing a statutory day exits 1 naming the day, nothing written; the same notice twice is unchanged', async () => {
    const dir = packsCopy();
    const target = join(dir, 'national/data/calendar-2026.json');
    rmSync(target);
    const dry = await gongzhi([
      'calendar',
      'import',
      'tests/engine/fixtures/notices/2026.txt',
      '--packs-dir',
      dir,
      '--dry-run',
    ]);
    expect(dry.code).toBe(0);
    expect(existsSync(target)).toBe(false);
    const broken = join(tempDir(), 'notice.txt');
    writeFileSync(
      broken,
      readFileSync('tests/engine/fixtures/notices/2026.txt', 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith('六、中秋节'))
        .join('\n'),
    );
    const r = await gongzhi(['calendar', 'import', broken, '--packs-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('[STATUTORY_DAY_MISSING]');
    expect(r.out).toContain('2026-09-25');
    expect(existsSync(target)).toBe(false);
    expect(
      (await gongzhi(['calendar', 'import', 'tests/engine/fixtures/notices/2026.txt', '--packs-dir', dir])).out,
    ).toContain('已写入 / written');
    expect(
      (await gongzhi(['calendar', 'import', 'tests/engine/fixtures/notices/2026.txt', '--packs-dir', dir])).out,
    ).toContain('未变 / unchanged');
  });

  it('gongzhi test marks the scenario deadlines that read 2027 as 暂定 / provisional', async () => {
    const r = await gongzhi(['test', 'configs/packs/national']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /dispute-mediation-trial-months-2027[^\n]*\n\s+暂定 provisional: trialSmallClaims 2027-02-22[^\n]*2027/,
    );
    expect(r.out).toMatch(/grid-event-reply-new-year[^\n]*\n\s+暂定 provisional: reply 2027-01-05/);
  });
});
