/**
 * Schema migrations: numbered SQL files in `migrations/` (`001_initial.sql`, …), applied in order at start-up, each
 * in its own transaction, under an advisory lock so that processes starting together apply each file once. The
 * table `gz_migrations` lists what was applied. A database holding a migration this server does not know (made by a
 * newer server) is refused: an older server could misread it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
/** The advisory lock key of migrations ("gongzhi" as a number). */
const LOCK = 0x67_6f_6e_67_7a;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function migrations(dir = DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync(join(dir, f), 'utf8') }));
}

export class SchemaTooNew extends Error {
  constructor(
    readonly database: number,
    readonly server: number,
  ) {
    super(
      `数据库结构版本 ${database} 比本服务(${server})新,请升级服务 / the database schema (migration ${database}) is newer than this server knows (${server}): upgrade the server`,
    );
    this.name = 'SchemaTooNew';
  }
}

/** Applies the migrations not yet applied; returns their versions. */
export async function migrate(pool: pg.Pool, list: Migration[] = migrations()): Promise<number[]> {
  const c = await pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock($1)', [LOCK]);
    try {
      await c.query(
        'CREATE TABLE IF NOT EXISTS gz_migrations (version integer PRIMARY KEY, name varchar(200) NOT NULL, applied_at timestamptz(3) NOT NULL)',
      );
      const applied = new Set(
        (await c.query<{ version: number }>('SELECT version FROM gz_migrations')).rows.map((r) => Number(r.version)),
      );
      const known = Math.max(0, ...list.map((m) => m.version));
      const newest = Math.max(0, ...applied);
      if (newest > known) throw new SchemaTooNew(newest, known);
      const done: number[] = [];
      for (const m of list) {
        if (applied.has(m.version)) continue;
        await c.query('BEGIN');
        try {
          await c.query(m.sql);
          await c.query('INSERT INTO gz_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            new Date(),
          ]);
          await c.query('COMMIT');
        } catch (e) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${m.version}_${m.name} failed: ${(e as Error).message}`);
        }
        done.push(m.version);
      }
      return done;
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [LOCK]);
    }
  } finally {
    c.release();
  }
}
