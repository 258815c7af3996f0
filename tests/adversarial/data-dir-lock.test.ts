/**
 * Issue 10, fault 4: one process owns a DATA_DIR. A second server on the same folder is refused with a clear
 * bilingual message and touches nothing (the first keeps its journal and goes on serving); once the owner is
 * killed (SIGKILL leaves its lock file behind) the next server takes the folder over.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { client, gridData, server, tempDir } from '../server/helpers';
import { DataDirLockedError } from '../../server/util/data-lock';
import { killLaunched, launchServer } from '../server/fixtures/launch';

afterAll(killLaunched);

const launch = (dataDir: string) => launchServer(dataDir);

const journal = (dataDir: string) => readdirSync(join(dataDir, 'instances', '_journal')).sort();

describe('two servers on one DATA_DIR', () => {
  it(
    'the second is refused with a bilingual message and the first keeps serving; after a SIGKILL the folder is taken over',
    { timeout: 90_000 },
    async () => {
      const dataDir = tempDir('gongzhi-lock-');
      const a = await launch(dataDir);
      expect(a.url, a.err).toBeDefined();
      const api = client(a.url!);
      const c = await api.start('national', 'grid-event', gridData);
      const before = journal(dataDir);

      const b = await launch(dataDir);
      expect(b.url, 'a second server must not start on the same DATA_DIR').toBeUndefined();
      expect(b.code).not.toBe(0);
      expect(b.err).toContain('数据目录');
      expect(b.err).toContain('is in use by another Gongzhi server process');
      expect(b.err).toContain(String(a.child.pid));

      // the first is untouched: same journal files, and it still acknowledges events
      expect(journal(dataDir)).toEqual(before);
      const r = await api.event(c.id, 'ASSIGN', { unit: '示例单位', designated: false }, { roles: ['dispatcher'] });
      expect(r.status).toBe(200);

      const exited = new Promise((res) => a.child.once('exit', res));
      a.child.kill('SIGKILL');
      await exited;
      const after = await launch(dataDir);
      expect(after.url, `a lock left by a killed server is taken over: ${after.err}`).toBeDefined();
      const h = (await client(after.url!).get(`/api/instances/${c.id}/history`)).body;
      expect(h.map((e: { type: string }) => e.type)).toEqual(['START', 'ASSIGN']);
      after.child.kill('SIGTERM');
    },
  );

  it('in one process too: a second open is refused until the first is closed', async () => {
    const dataDir = tempDir('gongzhi-lock-');
    const first = await server({ dataDir });
    await expect(server({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
    await first.close();
    const second = await server({ dataDir });
    expect((await second.api.get('/api/health')).status).toBe(200);
    await second.close();
  });
});
