/**
 * The small server-wide data on PostgreSQL: pack sources, published versions (immutable rows; the primary key gives
 * concurrent publishes distinct numbers), drafts, tokens, webhooks, settings. Each change bumps its topic's counter
 * in `gz_changes` in the same transaction (and notifies, when NOTIFY is on), so other processes refresh their caches.
 * Upserts are a row lock then an update, or an insert (no ON CONFLICT), to stay within what PostgreSQL-derived
 * databases accept.
 */
import type pg from 'pg';
import type { StoredPack, VersionInfo, Webhook } from '../../registry';
import type { PublishedVersion } from '../../packs/catalog';
import {
  StoreConflict,
  type CatalogChange,
  type CatalogStore,
  type Draft,
  type DraftStore,
  type SettingsStore,
  type TokenRow,
  type TokenStore,
  type VersionEntry,
  type WebhookStore,
} from '../seam';
import { inTransaction, uniqueViolation, type Queryable } from './sql';

export type Bump = (c: Queryable, topic: 'registry' | 'clock') => Promise<void>;

/** Writes `value` under `key` in a (key, value) table: update the row, or insert it when there is none. */
async function put(
  c: Queryable,
  table: string,
  keyCols: string[],
  key: unknown[],
  valueCol: string,
  value: unknown,
): Promise<void> {
  const where = keyCols.map((k, i) => `${k} = $${i + 2}`).join(' AND ');
  const u = await c.query(`UPDATE ${table} SET ${valueCol} = $1 WHERE ${where}`, [value, ...key]);
  if (!u.rowCount)
    await c.query(
      `INSERT INTO ${table} (${[...keyCols, valueCol].join(', ')}) VALUES (${[...keyCols, valueCol].map((_, i) => `$${i + 1}`).join(', ')})`,
      [...key, value],
    );
}

export class PgCatalog implements CatalogStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly bump: Bump,
  ) {}

  async packs(): Promise<Record<string, StoredPack>> {
    const r = await this.pool.query('SELECT id, body FROM gz_packs ORDER BY id');
    return Object.fromEntries(r.rows.map((x) => [x.id, JSON.parse(x.body) as StoredPack]));
  }

  async versions(): Promise<VersionEntry[]> {
    const r = await this.pool.query(
      'SELECT pack, procedure, version, hash, published_at, source, meta FROM gz_versions ORDER BY pack, procedure, version',
    );
    return r.rows.map((x) => ({
      pack: x.pack,
      procedure: x.procedure,
      version: Number(x.version),
      hash: x.hash,
      publishedAt: x.published_at,
      source: x.source,
      ...(x.meta ? (JSON.parse(x.meta) as Pick<VersionInfo, 'by' | 'note' | 'followed'>) : {}),
    }));
  }

  async version(pack: string, procedure: string, version: number): Promise<PublishedVersion | null> {
    const r = await this.pool.query(
      'SELECT body FROM gz_versions WHERE pack = $1 AND procedure = $2 AND version = $3',
      [pack, procedure, version],
    );
    return r.rows[0] ? (JSON.parse(r.rows[0].body) as PublishedVersion) : null;
  }

  async commit(change: CatalogChange): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      // packs in id order, so two commits touching the same packs lock them in the same order
      for (const id of Object.keys(change.packs).sort()) {
        await c.query('SELECT id FROM gz_packs WHERE id = $1 FOR UPDATE', [id]);
        await put(c, 'gz_packs', ['id'], [id], 'body', JSON.stringify(change.packs[id]));
      }
      for (const { record: v, info } of change.versions) {
        const meta =
          info.by || info.note || info.followed
            ? JSON.stringify({ by: info.by, note: info.note, followed: info.followed })
            : null;
        try {
          await c.query('SAVEPOINT gz_version');
          await c.query(
            'INSERT INTO gz_versions (pack, procedure, version, hash, published_at, source, body, meta) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
            [v.pack, v.procedure, v.version, info.hash, v.publishedAt, v.source, JSON.stringify(v), meta],
          );
          await c.query('RELEASE SAVEPOINT gz_version');
        } catch (e) {
          if (uniqueViolation(e) === null) throw e;
          throw new StoreConflict('exists', `version ${v.version} of ${v.pack}/${v.procedure} is taken`);
        }
      }
      if (change.dropDraft)
        await c.query('DELETE FROM gz_drafts WHERE pack = $1 AND procedure = $2', [
          change.dropDraft.pack,
          change.dropDraft.procedure,
        ]);
      await this.bump(c, 'registry');
    });
  }
}

export class PgDrafts implements DraftStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly bump: Bump,
  ) {}

  async get(pack: string, procedure: string): Promise<Draft | null> {
    const r = await this.pool.query('SELECT body FROM gz_drafts WHERE pack = $1 AND procedure = $2', [pack, procedure]);
    return r.rows[0] ? (JSON.parse(r.rows[0].body) as Draft) : null;
  }

  async save(pack: string, procedure: string, draft: Draft): Promise<void> {
    await retryOnInsertRace(() =>
      inTransaction(this.pool, async (c) => {
        await c.query('SELECT pack FROM gz_drafts WHERE pack = $1 AND procedure = $2 FOR UPDATE', [pack, procedure]);
        await put(c, 'gz_drafts', ['pack', 'procedure'], [pack, procedure], 'body', JSON.stringify(draft));
        await this.bump(c, 'registry');
      }),
    );
  }
}

/** Two processes inserting the same new key at once: the loser sees a unique violation and tries again (then updates). */
async function retryOnInsertRace<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (uniqueViolation(e) === null || i >= 3) throw e;
    }
  }
}

export class PgTokens implements TokenStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly bump: Bump,
  ) {}

  private static row(x: { body: string; last_used_at: string | null }): TokenRow {
    const t = JSON.parse(x.body) as TokenRow;
    return x.last_used_at ? { ...t, lastUsedAt: x.last_used_at } : t;
  }

  async create(t: TokenRow): Promise<void> {
    const { lastUsedAt: _l, ...body } = t;
    await inTransaction(this.pool, async (c) => {
      await c.query('INSERT INTO gz_tokens (id, hash, body, last_used_at) VALUES ($1, $2, $3, $4)', [
        t.id,
        t.hash,
        JSON.stringify(body),
        t.lastUsedAt ?? null,
      ]);
      await this.bump(c, 'registry');
    });
  }

  async byHash(hash: string): Promise<TokenRow | null> {
    const r = await this.pool.query('SELECT body, last_used_at FROM gz_tokens WHERE hash = $1', [hash]);
    return r.rows[0] ? PgTokens.row(r.rows[0]) : null;
  }

  async list(): Promise<TokenRow[]> {
    const r = await this.pool.query('SELECT body, last_used_at FROM gz_tokens ORDER BY id');
    return r.rows.map(PgTokens.row);
  }

  async revoke(id: string): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      const r = await c.query('DELETE FROM gz_tokens WHERE id = $1', [id]);
      if (r.rowCount) await this.bump(c, 'registry');
      return (r.rowCount ?? 0) > 0;
    });
  }

  async touch(id: string, at: string): Promise<void> {
    await this.pool.query('UPDATE gz_tokens SET last_used_at = $2 WHERE id = $1', [id, at]);
  }
}

export class PgWebhooks implements WebhookStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly bump: Bump,
  ) {}

  async create(w: Webhook): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query('INSERT INTO gz_webhooks (id, created_at, body) VALUES ($1, $2, $3)', [
        w.id,
        w.createdAt,
        JSON.stringify(w),
      ]);
      await this.bump(c, 'registry');
    });
  }

  async list(): Promise<Webhook[]> {
    const r = await this.pool.query('SELECT body FROM gz_webhooks ORDER BY created_at, id');
    return r.rows.map((x) => JSON.parse(x.body) as Webhook);
  }

  async get(id: string): Promise<Webhook | null> {
    const r = await this.pool.query('SELECT body FROM gz_webhooks WHERE id = $1', [id]);
    return r.rows[0] ? (JSON.parse(r.rows[0].body) as Webhook) : null;
  }

  async remove(id: string): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      const r = await c.query('DELETE FROM gz_webhooks WHERE id = $1', [id]);
      if (r.rowCount) await this.bump(c, 'registry');
      return (r.rowCount ?? 0) > 0;
    });
  }
}

export class PgSettings implements SettingsStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly bump: Bump,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const r = await this.pool.query('SELECT value FROM gz_settings WHERE key = $1', [key]);
    return r.rows[0]?.value;
  }

  async update(key: string, fn: (old: string | undefined) => string): Promise<string> {
    return retryOnInsertRace(() =>
      inTransaction(this.pool, async (c) => {
        const r = await c.query('SELECT value FROM gz_settings WHERE key = $1 FOR UPDATE', [key]);
        const v = fn(r.rows[0]?.value);
        await put(c, 'gz_settings', ['key'], [key], 'value', v);
        await this.bump(c, key === 'clock' ? 'clock' : 'registry');
        return v;
      }),
    );
  }
}
