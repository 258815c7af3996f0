/**
 * The small, rarely written server-wide data in one lowdb document (`DATA_DIR/registry.json`): pack sources,
 * version bookkeeping, drafts, tokens (hashed), webhook subscriptions, the controlled clock. Writes are serialized
 * and atomic (see store/atomic-file.ts).
 */
import { join } from 'node:path';
import { Low, Memory, type Adapter } from 'lowdb';
import type { PackConflict, PackSource, ProcedureDoc } from '../engine';
import { AtomicJSONFile } from './store/atomic-file';
import { deepFreeze } from './util/freeze';

export interface StoredToken {
  /** Absent on tokens made before tokens had ids (their id is derived from the hash, see store/embedded.ts). */
  id?: string;
  hash: string;
  subject: string;
  roles: string[];
  packs: string[] | '*';
  createdAt: string;
  expiresAt?: string;
  /** Written at most once a minute per token. */
  lastUsedAt?: string;
}

export interface Webhook {
  id: string;
  url: string;
  pack?: string;
  procedure?: string;
  events: string[];
  secret: string;
  createdAt: string;
  createdBy: string;
}

export interface StoredPack {
  source: Omit<PackSource, 'folder'>;
  origin: 'disk' | 'import' | 'designer';
  /** Hash of the pack folder's content when it was last loaded from disk. */
  diskHash?: string;
  updatedAt: string;
  /**
   * A county no longer following its base cleanly, as found when a base changed (patch operations or parameter
   * overrides whose base moved, problems of the re-resolved pack, own scenarios that now fail), and the procedures
   * held on their published versions until it is settled. Absent or empty: it follows its base.
   */
  conflicts?: PackConflict[];
  held?: string[];
}

export interface VersionInfo {
  version: number;
  hash: string;
  publishedAt: string;
  source: 'pack' | 'import' | 'designer';
  /** Who published it from the designer, and the note they wrote. */
  by?: string;
  note?: string;
  /** Set when the version follows a change of another pack (its base): that pack's id. */
  followed?: string;
}

export interface RegistryData {
  packs: Record<string, StoredPack>;
  /** pack → procedure → published versions (the documents themselves are in `versions/`). */
  versions: Record<string, Record<string, VersionInfo[]>>;
  drafts: Record<string, Record<string, { doc: ProcedureDoc; savedAt: string; savedBy: string }>>;
  tokens: StoredToken[];
  webhooks: Webhook[];
  clock?: { now: string };
  /** Other server-wide settings (see store/seam.ts, SettingsStore). */
  settings?: Record<string, string>;
}

const empty = (): RegistryData => ({ packs: {}, versions: {}, drafts: {}, tokens: [], webhooks: [] });

export class Registry {
  private readonly db: Low<RegistryData>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, fsync: boolean, adapter?: Adapter<RegistryData>) {
    this.db = new Low<RegistryData>(
      adapter ?? new AtomicJSONFile<RegistryData>(join(dataDir, 'registry.json'), fsync),
      empty(),
    );
  }

  /** A registry kept in memory only (the memory store, tests). */
  static inMemory(): Registry {
    return new Registry('', false, new Memory<RegistryData>());
  }

  async open(): Promise<void> {
    await this.db.read();
    this.db.data = deepFreeze({ ...empty(), ...(this.db.data ?? {}) });
  }

  get data(): Readonly<RegistryData> {
    return this.db.data;
  }

  /**
   * Changes the registry: `fn` gets a shallow copy of it and replaces the sections it changes, copying on write down
   * to what it changes (it never changes in place what it was given: all of it is frozen). The new data is written
   * atomically and only then becomes current, so a failed write (or a throw in `fn`) changes nothing. Calls are
   * serialized. The whole registry used to be deep-cloned for each change: with a large draft in it (a 600 KB one
   * from the designer), every change (a token's use, the clock, another draft) cloned that draft too
   * (tests/adversarial/hostile-definitions.test.ts, "20,000-property schema").
   */
  update<T>(fn: (draft: RegistryData) => T): Promise<T> {
    const run = this.queue.then(async () => {
      // a turn of the event loop first (a timer's: other requests' reads run in it, as they would not before an
      // immediate): the caller's work (a large request body read and parsed) and this change's (its copy, its
      // serialisation) are then two stretches of the loop, not one
      await new Promise((res) => setTimeout(res, 0));
      const draft = { ...this.db.data };
      const out = fn(draft);
      await this.db.adapter.write(draft);
      // frozen once current: only what `fn` made is walked (what it shares with the previous data is frozen already)
      this.db.data = deepFreeze(draft);
      return out;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
