/**
 * Test helpers: a real server on an ephemeral port with a temporary DATA_DIR, and a small JSON client.
 * `GONGZHI_TEST_STORE=postgres` (the vitest project `postgres`, see vitest.config.ts) runs every server of these
 * helpers on the PostgreSQL store instead: one fresh database per DATA_DIR, so a restart on the same DATA_DIR finds
 * its data again.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { makeStore, startServer, type RunningServer, type ServerOptions } from '../../server/app';
import type { Store } from '../../server/store/seam';
import { PgStore } from '../../server/store/postgres';
import pg from 'pg';
import { freshDatabase } from '../support/pg';
import { checkResponse } from './contract-check';

export const ADMIN = 'test-admin-token';

export function tempDir(prefix = 'gongzhi-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The store the server helpers run on (`GONGZHI_TEST_STORE`, default the embedded file store). */
export const TEST_STORE: 'file' | 'postgres' = process.env.GONGZHI_TEST_STORE === 'postgres' ? 'postgres' : 'file';

const databases = new Map<string, Promise<string>>();

/** With the PostgreSQL store: the database of a DATA_DIR (made on first use). */
export function databaseOf(dataDir: string): Promise<string> {
  let db = databases.get(dataDir);
  if (!db) {
    db = freshDatabase('http').then((d) => d.url);
    databases.set(dataDir, db);
  }
  return db;
}

/** The store options of a server on `dataDir` for the store under test. */
export async function storeOptions(dataDir: string): Promise<Partial<ServerOptions>> {
  return TEST_STORE === 'postgres' ? { store: 'postgres', pgUrl: await databaseOf(dataDir), pgPollMs: 100 } : {};
}

/** Opens the store of a (stopped) server's DATA_DIR directly, for the store under test. */
export async function openStore(dataDir: string): Promise<Store> {
  const store = makeStore({ dataDir, ...(await storeOptions(dataDir)) }, dataDir, false, () => {});
  await store.open();
  return store;
}

/** Everything the store keeps about tokens, as stored (registry.json, or the tokens table), to look for secrets in. */
export async function storedTokensText(dataDir: string): Promise<string> {
  if (TEST_STORE === 'file') return readFileSync(join(dataDir, 'registry.json'), 'utf8');
  const store = (await openStore(dataDir)) as PgStore;
  try {
    return JSON.stringify((await store.pool.query('SELECT * FROM gz_tokens')).rows);
  } finally {
    await store.close();
  }
}

export async function server(
  opts: Partial<ServerOptions> = {},
): Promise<RunningServer & { api: Api; dataDir: string }> {
  const dataDir = opts.dataDir ?? tempDir();
  const srv = await startServer({
    port: 0,
    dataDir,
    packsDir: 'configs/packs',
    adminToken: ADMIN,
    quiet: true,
    controlledClock: true,
    now: '2025-09-26T09:00:00+08:00',
    fsync: false,
    log: () => {},
    webhookAllow: '127.0.0.0/8,::1/128',
    ...(opts.store ? {} : await storeOptions(dataDir)),
    ...opts,
  });
  await srv.overdue; // the deadlines due at start fire after listening: tests begin once they have
  return Object.assign(srv, { api: client(srv.url), dataDir });
}

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export type Api = ReturnType<typeof client>;

export function client(base: string, token: string = ADMIN) {
  async function call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res<T>> {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    // every answer is checked against the OpenAPI document (a mismatch fails the test that got it)
    const type = res.headers.get('content-type');
    checkResponse(method, base + path, res.status, type, type?.startsWith('application/json') ? parsed : text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  return {
    call,
    get: <T = any>(p: string, h?: Record<string, string>) => call<T>('GET', p, undefined, h),
    post: <T = any>(p: string, b?: unknown, h?: Record<string, string>) => call<T>('POST', p, b, h),
    put: <T = any>(p: string, b?: unknown, h?: Record<string, string>) => call<T>('PUT', p, b, h),
    del: <T = any>(p: string) => call<T>('DELETE', p),
    as: (t: string) => client(base, t),
    /** Starts a case and fails loudly unless it was created. */
    async start(pack: string, procedure: string, data: unknown, extra: Record<string, unknown> = {}) {
      const r = await call('POST', '/api/instances', { pack, procedure, data, ...extra });
      if (r.status !== 201) throw new Error(`start failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async event(id: string, type: string, payload?: unknown, actor?: unknown, headers?: Record<string, string>) {
      return call(
        'POST',
        `/api/instances/${id}/events`,
        { type, ...(payload === undefined ? {} : { payload }), ...(actor ? { actor } : {}) },
        headers,
      );
    },
    clock: (now: string) => call('PUT', '/api/admin/clock', { now }),
  };
}

/**
 * A fingerprint of what a server stores (every file under its DATA_DIR, path → sha256; with the PostgreSQL store also
 * every table's rows), to show that a failed call wrote nothing.
 */
export async function stored(dataDir: string): Promise<Record<string, string>> {
  const files = snapshot(dataDir);
  if (TEST_STORE === 'file') return files;
  const c = new pg.Client({ connectionString: await databaseOf(dataDir) });
  await c.connect();
  try {
    const tables = (
      await c.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 'gz\\_%' ORDER BY tablename")
    ).rows.map((r) => r.tablename as string);
    for (const t of tables) {
      // the change counters and token use times move on reads elsewhere; the rest must stay as it was
      if (t === 'gz_changes') continue;
      // the figures' counters move from deltas into day and week rows in the background: compare what they count
      if (t === 'gz_stats_delta') continue;
      if (t === 'gz_stats') {
        const cols =
          'opened, closed, cancelled, on_time, overdue, rated, satisfied, total, resolvable, resolved, handed_off, open_n, stay_ms, stay_n';
        const sums = cols
          .split(', ')
          .map((x) => `sum(${x})`)
          .join(', ');
        const r =
          await c.query(`SELECT count(*) AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM (
          SELECT kind, pack, procedure, day, state, ${sums} FROM (SELECT kind, pack, procedure, day, state, ${cols} FROM gz_stats WHERE grain = 'd'
            UNION ALL SELECT kind, pack, procedure, day, state, ${cols} FROM gz_stats_delta) u GROUP BY kind, pack, procedure, day, state) x`);
        files['figures'] = `${r.rows[0].n}:${r.rows[0].h}`;
        continue;
      }
      const r = await c.query(
        `SELECT count(*) AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${t} x`,
      );
      files[`table:${t}`] = `${r.rows[0].n}:${r.rows[0].h}`;
    }
  } finally {
    await c.end();
  }
  return files;
}

/** A fingerprint of every file under a folder (path → sha256). */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(dir.length)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

export const mediationData = {
  disputeType: 'neighbour',
  parties: [
    { name: '张三', role: '申请人' },
    { name: '李四', role: '被申请人' },
  ],
  amount: 3000,
  partiesConsent: true,
  criminalRisk: false,
  description: '示例:邻里漏水纠纷',
};

export const gridData = {
  channel: 'hotline',
  category: '环境卫生',
  emergency: 'none',
  inLitigationOrPetition: false,
  description: '示例:楼道堆放杂物',
  location: '示例:和平路社区5号楼',
};

/** Polls `check` until it returns a truthy value (or fails after `ms`). */
export async function until<T>(check: () => T | Promise<T>, ms = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
