/**
 * A real PostgreSQL server for the tests and benchmarks: `GONGZHI_PG_URL` when it is set, otherwise a throwaway
 * cluster started here with Debian's `postgresql-15` binaries (`initdb` + `pg_ctl`; as the `postgres` user through
 * `runuser` when running as root, since PostgreSQL refuses to run as root). `.ci/run` installs the package.
 *
 * Nothing is skipped: when no server can be started, `startCluster` throws an error saying why, and every test that
 * needs PostgreSQL fails with that message.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface Cluster {
  /** A connection string to the `postgres` database, for creating a database per test file or benchmark. */
  adminUrl: string;
  /** Whether the cluster was started here (and is stopped by `stop`). */
  owned: boolean;
  stop(): Promise<void>;
}

const BIN_DIRS = [
  process.env.GONGZHI_PG_BIN,
  '/usr/lib/postgresql/15/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/17/bin',
].filter(Boolean) as string[];

function findBin(): string | undefined {
  return BIN_DIRS.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL binary, as the `postgres` user when we are root. */
function runPg(bin: string, args: string[], asUser: string | null): { status: number | null; out: string } {
  const cmd = asUser ? 'runuser' : bin;
  const argv = asUser ? ['-u', asUser, '--', bin, ...args] : args;
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function uidOf(user: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

/**
 * Starts a cluster (or uses `GONGZHI_PG_URL`). `durable: false` (tests) turns fsync off: the tests kill server
 * processes, never the database, so nothing they check depends on PostgreSQL's own crash safety.
 */
export async function startCluster(opts: { durable?: boolean } = {}): Promise<Cluster> {
  const given = process.env.GONGZHI_PG_URL;
  if (given) {
    const c = new pg.Client({ connectionString: given });
    try {
      await c.connect();
      await c.query('SELECT 1');
    } catch (e) {
      throw new Error(`GONGZHI_PG_URL is set but PostgreSQL cannot be reached there: ${(e as Error).message}`);
    } finally {
      await c.end().catch(() => undefined);
    }
    return { adminUrl: given, owned: false, stop: async () => {} };
  }
  const bin = findBin();
  if (!bin) {
    throw new Error(
      'No PostgreSQL server for the PostgreSQL store tests: GONGZHI_PG_URL is not set and no initdb/pg_ctl was found in ' +
        `${BIN_DIRS.join(', ')}. Install Debian's postgresql-15 (apt-get install postgresql-15; .ci/run does) or set GONGZHI_PG_URL.`,
    );
  }
  const root = process.getuid?.() === 0;
  const owner = root ? uidOf('postgres') : null;
  if (root && !owner)
    throw new Error(
      'Running as root, but there is no `postgres` user to run PostgreSQL as (install postgresql-15, which creates it).',
    );
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-pg-'));
  const data = join(dir, 'data');
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  const user = owner ? 'postgres' : null;
  const init = runPg(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    user,
  );
  if (init.status !== 0) throw new Error(`initdb failed (${bin}/initdb): ${init.out.trim().slice(-2000)}`);
  const port = await freePort();
  const conf = [
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${dir}'`,
    'max_connections = 300',
    'shared_buffers = 128MB',
    ...(opts.durable ? [] : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
  ].join('\n');
  writeFileSync(join(data, 'postgresql.auto.conf'), conf + '\n');
  if (owner) chownSync(join(data, 'postgresql.auto.conf'), owner.uid, owner.gid);
  const start = runPg(
    join(bin, 'pg_ctl'),
    ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'],
    user,
  );
  if (start.status !== 0) throw new Error(`pg_ctl start failed: ${start.out.trim().slice(-2000)}`);
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    adminUrl,
    owned: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      runPg(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], user);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let dbCounter = 0;

/** Creates a fresh, empty database on the cluster and returns its connection string. */
export async function createDatabase(adminUrl: string, prefix = 'gz'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${++dbCounter}`;
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  } finally {
    await c.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const d = new pg.Client({ connectionString: adminUrl });
      await d.connect();
      try {
        await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await d.end();
      }
    },
  };
}
