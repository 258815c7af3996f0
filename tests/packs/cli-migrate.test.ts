/**
 * `gongzhi migrate` against a running server: a dry run by default (every case with what would change, nothing
 * changed), `--run` moves them; one case with `--instance`, refused with its problems (exit 1) when a state has no
 * counterpart, moved with `--map`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../server/cli/main';
import { ADMIN, mediationData, server } from '../server/helpers';

let srv: Awaited<ReturnType<typeof server>>;
beforeAll(async () => {
  srv = await server();
});
afterAll(() => srv.close());

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main([...args, '--server', srv.url, '--token', ADMIN], (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

const DM = 'dispute-mediation';

async function publishNational(change: (doc: any) => void): Promise<number> {
  const { version: _v, ...doc } = (await srv.api.get(`/api/packs/national/procedures/${DM}`)).body;
  change(doc);
  expect((await srv.api.put(`/api/packs/national/procedures/${DM}/draft`, doc)).status).toBe(200);
  const pub = await srv.api.post(`/api/packs/national/procedures/${DM}/publish`, {});
  expect(pub.status, JSON.stringify(pub.body)).toBe(201);
  return pub.body.version;
}

describe('gongzhi migrate', () => {
  it('dry run lists each case and changes nothing; --run moves them; --instance refused then mapped', async () => {
    const a = await srv.api.start('national', DM, mediationData);
    const b = await srv.api.start('national', DM, mediationData);
    const v2 = await publishNational((d) => {
      d.machine.states.peopleMediation = d.machine.states.mediation;
      delete d.machine.states.mediation;
      const re = (v: unknown): unknown =>
        v === 'mediation'
          ? 'peopleMediation'
          : Array.isArray(v)
            ? v.map(re)
            : v && typeof v === 'object'
              ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, re(x)]))
              : v;
      d.machine = re(d.machine);
      for (const dl of Object.values(d.deadlines) as { state: string }[])
        if (dl.state === 'mediation') dl.state = 'peopleMediation';
    });

    const dry = await cli('migrate', 'national', DM);
    expect(dry.code).toBe(1); // no counterpart for 调解 without a map
    expect(dry.out).toContain(`预演 / dry run: national/${DM} → 版本 version ${v2}`);
    expect(dry.out).toContain(`✗ ${a.id}: 版本 version 1 → ${v2}`);
    expect(dry.out).toContain('[NO_COUNTERPART] /state/mediation');
    expect((await srv.api.get(`/api/instances/${a.id}`)).body.version).toBe(1);

    const mapped = await cli('migrate', 'national', DM, '--map', 'mediation=peopleMediation');
    expect(mapped.code).toBe(0);
    expect(mapped.out).toContain(`· ${b.id}: 版本 version 1 → ${v2} · 状态 state mediation → peopleMediation`);
    expect(mapped.out).toContain('✓ 2 个案件 case(s) → 版本 version');
    expect(mapped.out).toContain('未改动 nothing changed');
    expect((await srv.api.get(`/api/instances/${b.id}`)).body.version).toBe(1);

    const one = await cli('migrate', '--instance', a.id, '--map', 'mediation=peopleMediation', '--run');
    expect(one.code).toBe(0);
    expect(one.out).toContain(
      `✓ ${a.id}: 版本 version 1 → ${v2} · 状态 state mediation → peopleMediation · 已迁移 moved`,
    );
    const refused = await cli('migrate', '--instance', b.id);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('✗ 不能迁移 / cannot migrate');

    const run = await cli('migrate', 'national', DM, '--map', 'mediation=peopleMediation', '--run');
    expect(run.code).toBe(0);
    expect(run.out).toContain('已迁移 moved 1');
    expect((await srv.api.get(`/api/instances/${b.id}`)).body).toMatchObject({ version: v2, state: 'peopleMediation' });
  });
});
