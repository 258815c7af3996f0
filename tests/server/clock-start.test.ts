/**
 * GONGZHI_CLOCK_START: with the controlled clock, its first instant on a new store; a store that already has a clock
 * resumes it. `npm start` (server/main.ts) reads it, and its banner says which years ahead are provisional.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { clockStartOption } from '../../server/time/clock-start';
import { server, tempDir, until, ADMIN, client } from './helpers';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

describe('GONGZHI_CLOCK_START', () => {
  it('is read only with the controlled clock, as an ISO 8601 instant with its offset', () => {
    expect(clockStartOption({})).toEqual({});
    expect(
      clockStartOption({ GONGZHI_CONTROLLED_CLOCK: '1', GONGZHI_CLOCK_START: '2026-11-30T09:00:00+08:00' }),
    ).toEqual({ now: '2026-11-30T09:00:00+08:00' });
    expect(clockStartOption({ GONGZHI_CLOCK_START: '2026-11-30T09:00:00+08:00' })).toMatchObject({
      error: { en: expect.stringContaining('GONGZHI_CONTROLLED_CLOCK=1') },
    });
    for (const bad of ['2026-11-30', 'tomorrow', '2026-13-30T09:00:00Z']) {
      expect(clockStartOption({ GONGZHI_CONTROLLED_CLOCK: '1', GONGZHI_CLOCK_START: bad })).toMatchObject({
        error: { 'zh-CN': expect.stringContaining('ISO 8601') },
      });
    }
  });

  it('starts a new store there; a store with a clock resumes it whatever the variable says', async () => {
    const dataDir = tempDir();
    let srv = await server({ dataDir, now: '2026-11-30T09:00:00+08:00' });
    expect((await srv.api.get('/api/admin/clock')).body.now).toBe('2026-11-30T09:00:00+08:00');
    await srv.api.clock('2026-12-01T09:00:00+08:00');
    await srv.close();
    srv = await server({ dataDir, now: '2030-01-01T00:00:00+08:00' });
    open.push(srv);
    expect((await srv.api.get('/api/admin/clock')).body.now).toBe('2026-12-01T09:00:00+08:00');
  });

  it(
    'npm start uses it and its banner names 2027 as provisional and how to load the notice',
    { timeout: 120_000 },
    async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        env: {
          ...process.env,
          PORT: '0',
          DATA_DIR: tempDir(),
          GONGZHI_ADMIN_TOKEN: ADMIN,
          GONGZHI_CONTROLLED_CLOCK: '1',
          GONGZHI_CLOCK_START: '2026-11-30T09:00:00+08:00',
          GONGZHI_FSYNC: '0',
        },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const exited = new Promise<void>((r) => child.on('close', () => r()));
      open.push({
        close: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
      await until(
        () => out.includes('PUT /api/packs/national/calendar/2027'),
        110_000,
        `the banner (output so far: ${out})`,
      );
      expect(out).toContain('受控时钟 / controlled clock: 2026-11-30T09:00:00+08:00');
      expect(out).toContain('no State Council holiday notice loaded for 2027');
      expect(out).toContain('2027-01-01 – 2027-12-31');
      expect(out).not.toContain('CALENDAR_RANGE)');
      const url = /started: (http:\/\/\S+)/.exec(out)![1];
      expect((await client(url).get('/api/admin/clock')).body.now).toBe('2026-11-30T09:00:00+08:00');
    },
  );
});
