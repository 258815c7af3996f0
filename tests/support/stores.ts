/**
 * The stores a store test runs on: the in-memory embedded store, optionally the file store in a temporary folder,
 * and PostgreSQL in a fresh database of the run's server. `close` (afterAll) closes them and drops the databases.
 */
import { join } from 'node:path';
import { EmbeddedStore } from '../../server/store/embedded';
import { PgStore, type PgStoreOptions } from '../../server/store/postgres';
import { FileInstanceStore, MemoryInstanceStore } from '../../server/store';
import { Registry } from '../../server/registry';
import { summarize } from '../../server/cases/summarize';
import type { Store } from '../../server/store/seam';
import { tempDir } from '../server/helpers';
import { freshDatabase } from './pg';

export type StoreMaker = [name: string, make: () => Promise<Store>];

export function testStores(o: { prefix: string; file?: boolean; pg?: Partial<Omit<PgStoreOptions, 'url'>> }): {
  stores: StoreMaker[];
  close(): Promise<void>;
} {
  const cleanup: (() => Promise<void>)[] = [];
  const opened = async <S extends Store>(s: S, close: () => Promise<void>): Promise<S> => {
    await s.open();
    cleanup.push(close);
    return s;
  };
  const stores: StoreMaker[] = [
    [
      'memory',
      () =>
        opened(
          new EmbeddedStore({
            kind: 'memory',
            records: new MemoryInstanceStore(summarize),
            registry: Registry.inMemory(),
            versionsDir: null,
            fsync: false,
          }),
          async () => undefined,
        ),
    ],
  ];
  if (o.file) {
    stores.push([
      'file',
      () => {
        const dir = tempDir();
        const s = new EmbeddedStore({
          kind: 'file',
          records: new FileInstanceStore({ dir: join(dir, 'instances'), fsync: false, summarize }),
          registry: new Registry(dir, false),
          versionsDir: join(dir, 'versions'),
          fsync: false,
        });
        return opened(s, () => s.close());
      },
    ]);
  }
  stores.push([
    'postgres',
    async () => {
      const db = await freshDatabase(o.prefix);
      const s = new PgStore({ pollMs: 100, ...o.pg, url: db.url });
      return opened(s, async () => {
        await s.close().catch(() => undefined);
        await db.drop();
      });
    },
  ]);
  return {
    stores,
    async close() {
      for (const f of cleanup.reverse()) await f().catch(() => undefined);
    },
  };
}
