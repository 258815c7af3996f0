/**
 * `npm start`: builds the designer if its build is missing or stale, then serves the API and the designer with the
 * embedded store and every pack under configs/packs. Environment: see server/README.md.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { calendar } from '../engine';
import { ListenError, startServer } from './app';
import { calendarBanner } from './calendar/banner';
import { clockStartOption } from './time/clock-start';
import { DataDirLockedError } from './util/data-lock';
import { retentionFromEnv } from './store/idempotency';

const env = process.env;
const dataDir = resolve(env.DATA_DIR ?? 'data');

async function designerDir(): Promise<string | undefined> {
  const build = resolve('designer/build.ts');
  if (!existsSync(build)) return undefined;
  try {
    const mod = (await import(build)) as { ensureDesignerBuilt?: () => Promise<string> };
    return mod.ensureDesignerBuilt ? await mod.ensureDesignerBuilt() : undefined;
  } catch (e) {
    console.error(`✗ 设计器构建失败,仅提供 API / designer build failed, serving the API only: ${(e as Error).message}`);
    return undefined;
  }
}

function storeKind(): 'file' | 'postgres' {
  const v = env.GONGZHI_STORE ?? 'file';
  if (v === 'file' || v === 'postgres') return v;
  console.error(`✗ GONGZHI_STORE 应为 file 或 postgres / GONGZHI_STORE must be file or postgres: ${v}`);
  process.exit(2);
}

const port = Number(env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`✗ PORT 无效 / invalid PORT: ${env.PORT}`);
  process.exit(2);
}

const clockStart = clockStartOption(env);
if ('error' in clockStart) {
  console.error(`✗ ${clockStart.error['zh-CN']} / ${clockStart.error.en}`);
  process.exit(2);
}

let srv: Awaited<ReturnType<typeof startServer>>;
try {
  srv = await startServer({
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir,
    packsDir: env.GONGZHI_PACKS_DIR ?? 'configs/packs',
    adminToken: env.GONGZHI_ADMIN_TOKEN || undefined,
    controlledClock: env.GONGZHI_CONTROLLED_CLOCK === '1',
    ...clockStart,
    fsync: env.GONGZHI_FSYNC !== '0',
    store: storeKind(),
    pgUrl: env.GONGZHI_PG_URL || undefined,
    pgNotify: env.GONGZHI_PG_NOTIFY !== '0',
    idempotencyRetentionMs: retentionFromEnv(env.GONGZHI_IDEMPOTENCY_RETENTION_HOURS),
    webhookAllow: env.GONGZHI_WEBHOOK_ALLOW,
    designerDir: await designerDir(),
  });
} catch (e) {
  if (!(e instanceof ListenError) && !(e instanceof DataDirLockedError)) throw e;
  console.error(`✗ ${e.message}`);
  process.exit(1);
}

const d = srv.deps;
console.log(`共治 Gongzhi 已启动 / started: ${srv.url}`);
const where = d.store.kind === 'postgres' ? `PostgreSQL (${redact(env.GONGZHI_PG_URL ?? '')})` : dataDir;
console.log(
  `  数据 / data: ${where} · 案件 / cases: ${await d.store.cases.count()} · 配置包 / packs: ${d.catalog.packIds().join(', ')}`,
);
if (d.clock.controlled) console.log(`  受控时钟 / controlled clock: ${calendar.toShanghaiISO(d.clock.now())}`);
if (srv.adminTokenGenerated) {
  console.log(`  管理员令牌(已保存于 ${srv.adminTokenFile})/ admin token (kept in ${srv.adminTokenFile}):`);
  console.log(`    ${srv.adminToken}`);
  console.log(`  打开设计器 / open the designer: ${srv.url}/?token=${srv.adminToken}`);
} else if (!env.GONGZHI_ADMIN_TOKEN) {
  console.log(`  管理员令牌见 / admin token in ${srv.adminTokenFile} — 设计器 / designer: ${srv.url}/?token=<token>`);
}

// the years ahead without a State Council notice: provisional periods (or refused ones), and how to load the notice
for (const line of calendarBanner(
  d.catalog.packIds().map((id) => d.catalog.resolved(id)!),
  d.clock.now(),
))
  console.log(line);

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`\n正在停止 / stopping (${sig})…`);
    void srv.close().then(() => process.exit(0));
  });
}

/** A connection string without its password, for printing. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(GONGZHI_PG_URL)';
  }
}
