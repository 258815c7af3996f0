/** `gongzhi bundle | import | export` against the real server: a county pack travels as one file and comes back the same. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gongzhi } from './cli-run';
import { server, tempDir, ADMIN } from '../server/helpers';

let srv: Awaited<ReturnType<typeof server>>;
beforeAll(async () => {
  srv = await server();
});
afterAll(() => srv.close());

describe('gongzhi against a running server', { timeout: 60_000 }, () => {
  const dir = tempDir('gongzhi-cli-');
  it('imports a changed county bundle as new versions and exports it back (with the base value its override replaced)', async () => {
    const file = join(dir, 'gaotai.json');
    expect((await gongzhi(['bundle', 'configs/packs/gaotai-county', '--out', file])).code).toBe(0);
    const bundle = JSON.parse(readFileSync(file, 'utf8'));
    bundle.manifest.parameters = {
      ...bundle.manifest.parameters,
      noticeDays: {
        value: 10,
        title: { 'zh-CN': '会前公告天数(示例)', en: 'Notice days (sample)' },
        basis: { 'zh-CN': '《村民委员会组织法》第21条', en: 'Organic Law of Villagers’ Committees, Art. 21' },
        unit: 'days',
        sample: true,
      },
    };
    writeFileSync(file, JSON.stringify(bundle));
    const imported = await gongzhi(['import', file, '--server', srv.url, '--token', ADMIN]);
    expect(imported.out).toContain('✓ 已导入 / imported');
    expect(imported.code).toBe(0);
    const versions = (await srv.api.get('/api/packs/gaotai-county/procedures/community-consultation/versions')).body;
    expect(versions.map((v: { source: string }) => v.source)).toEqual(['pack', 'import']);

    const out = join(dir, 'exported.json');
    const exported = await gongzhi(['export', 'gaotai-county', '--out', out, '--server', srv.url], {
      GONGZHI_TOKEN: ADMIN,
    });
    expect(exported.code).toBe(0);
    // the server records which national value the county's override replaced (so a later national change is a conflict)
    const national = (await srv.api.get('/api/packs/national')).body.parameters.noticeDays.value;
    bundle.manifest.parameters.noticeDays.baseValue = national;
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(bundle);
  });

  it('a bundle the server refuses → exit 1 showing the 422 and its problems', async () => {
    const file = join(dir, 'broken.json');
    expect((await gongzhi(['bundle', 'configs/packs/gaotai-county', '--out', file])).code).toBe(0);
    const bundle = JSON.parse(readFileSync(file, 'utf8'));
    bundle.manifest.extends = 'no-such-base';
    writeFileSync(file, JSON.stringify(bundle));
    const r = await gongzhi(['import', file, '--server', srv.url, '--token', ADMIN]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/HTTP 422.*UNKNOWN_BASE_PACK/s);
  });
});
