/**
 * The small, rarely written server-wide data in one lowdb document (`DATA_DIR/registry.json`): pack sources,
 * version bookkeeping, drafts, tokens (hashed), webhook subscriptions, the controlled clock. Writes are serialized
 * and atomic (see store/atomic-file.ts).
 */
import { join } from 'node:path';
import { Low, Memory, type Adapter } from 'lowdb';
import type { PackConflict, PackSource, ProcedureDoc } from '../engine';
import { AtomicJSONFile } from './store/atomic-file';

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
    this.db.data = { ...empty(), ...(this.db.data ?? {}) };
  }

  get data(): Readonly<RegistryData> {
    return this.db.data;
  }

  /**
   * Changes the registry: `fn` works on a copy, which is written atomically and only then becomes current, so a
   * failed write (or a throw in `fn`) changes nothing. Calls are serialized.
   */
  update<T>(fn: (draft: RegistryData) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const draft = structuredClone(this.db.data);
      const out = fn(draft);
      await this.db.adapter.write(draft);
      this.db.data = draft;
      return out;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
