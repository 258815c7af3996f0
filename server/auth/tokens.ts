/**
 * Bearer tokens: a subject, roles and the packs it may touch, an id, an optional expiry. Only the SHA-256 of a token
 * is stored (the store's `TokenStore`). The admin token given by GONGZHI_ADMIN_TOKEN (or generated on first start and
 * kept in `DATA_DIR/admin-token`) has every role and every pack and no id.
 *
 * Tokens seen recently are cached. A revoked token stops working at once: this process drops it from its cache
 * before answering, and every other process sharing the store drops its cache when the store says the registry
 * changed (PostgreSQL: NOTIFY at once, and the change counters polled every half second). A lookup that began before
 * a revocation never puts the token back (the cache has a generation). `lastUsedAt` is noted in memory and written at
 * most once a minute per token, so a call costs no write.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, Next } from 'koa';
import type { Store, TokenRow } from '../store/seam';
import { newId, newToken, sha256 } from '../util/ids';
import { fail } from '../errors';
import { iso, isoOf } from '../time/iso';
import { operations, type Operation } from '../contract';
import type { TokenCreatedBody, TokenInfoBody } from '../contract';

export interface Auth {
  subject: string;
  roles: string[];
  packs: string[] | '*';
  /** null for the admin token of the environment or DATA_DIR. */
  tokenId: string | null;
}

export const isAdmin = (a: Pick<Auth, 'roles'>) => a.roles.includes('admin');
export const canSeePack = (a: Pick<Auth, 'packs'>, pack: string) => a.packs === '*' || a.packs.includes(pack);

const TOUCH_EVERY_MS = 60_000;
const CACHED = 1000;

interface Cached {
  auth: Auth;
  expiresAt: number;
}

/**
 * Reading (not changing) a pack: the token's own packs and the bases they extend, so a county's staff see the base
 * procedure, parameters and legal basis their county's changes are laid over. `extendsOf` gives a pack's base.
 */
export function canReadPack(a: Auth, pack: string, extendsOf: (id: string) => string | undefined): boolean {
  if (canSeePack(a, pack)) return true;
  for (const own of a.packs === '*' ? [] : a.packs) {
    const seen = new Set<string>();
    for (let cur = extendsOf(own); cur && !seen.has(cur); cur = extendsOf(cur)) {
      if (cur === pack) return true;
      seen.add(cur);
    }
  }
  return false;
}

export class Tokens {
  private envHash: string | undefined;
  /** token → what it grants, for tokens seen recently. */
  private readonly seen = new Map<string, Cached>();
  /** Bumped whenever the cache is dropped: a lookup started before then does not fill it. */
  private generation = 0;
  /** id → last use not yet written; id → when a use was last written (ms). */
  private readonly used = new Map<string, string>();
  private readonly written = new Map<string, number>();
  private flushing: Promise<void> | null = null;
  private readonly off: () => void;

  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    private readonly log: (msg: string) => void = () => {},
  ) {
    this.off = store.changes.on((t) => {
      if (t === 'registry') this.forget();
    });
  }

  close(): void {
    this.off();
  }

  private forget(): void {
    this.generation++;
    this.seen.clear();
  }

  /** The admin token: from the environment, else from `DATA_DIR/admin-token`, else a new one written there. */
  adminToken(dataDir: string, fromEnv: string | undefined): { token: string; generated: boolean; file: string } {
    const file = join(dataDir, 'admin-token');
    if (fromEnv) {
      this.envHash = sha256(fromEnv);
      return { token: fromEnv, generated: false, file };
    }
    if (existsSync(file)) {
      const token = readFileSync(file, 'utf8').trim();
      this.envHash = sha256(token);
      return { token, generated: false, file };
    }
    const token = newToken();
    writeFileSync(file, token + '\n', { mode: 0o600 });
    this.envHash = sha256(token);
    return { token, generated: true, file };
  }

  /** What a token grants now, or null (unknown, revoked or expired). */
  async lookup(token: string): Promise<Auth | null> {
    let hit = this.seen.get(token);
    if (!hit) {
      const gen = this.generation;
      const found = await this.find(sha256(token));
      if (!found) return null;
      hit = found;
      if (gen === this.generation) {
        if (this.seen.size >= CACHED) this.seen.delete(this.seen.keys().next().value!);
        this.seen.set(token, hit);
      }
    }
    const now = this.now();
    if (now.getTime() >= hit.expiresAt) return null;
    if (hit.auth.tokenId) this.noteUse(hit.auth.tokenId, now);
    return hit.auth;
  }

  private async find(hash: string): Promise<Cached | null> {
    if (hash === this.envHash)
      return { auth: { subject: 'admin', roles: ['admin'], packs: '*', tokenId: null }, expiresAt: Infinity };
    const t = await this.store.tokens.byHash(hash);
    if (!t) return null;
    return {
      auth: { subject: t.subject, roles: t.roles, packs: t.packs, tokenId: t.id },
      expiresAt: t.expiresAt ? Date.parse(t.expiresAt) : Infinity,
    };
  }

  private noteUse(id: string, now: Date): void {
    this.used.set(id, iso(now));
    const last = this.written.get(id) ?? 0;
    if (now.getTime() - last >= TOUCH_EVERY_MS && !this.flushing) {
      this.flushing = this.flush().finally(() => {
        this.flushing = null;
      });
    }
  }

  /** Settles once the write of last uses under way (if any) is done. */
  idle(): Promise<void> {
    return this.flushing ?? Promise.resolve();
  }

  /** Writes the last uses noted since the previous write. */
  async flush(): Promise<void> {
    if (!this.used.size) return;
    const batch = new Map(this.used);
    const at = this.now().getTime();
    try {
      for (const [id, when] of batch) {
        await this.store.tokens.touch(id, when);
        this.written.set(id, at);
        if (this.used.get(id) === when) this.used.delete(id); // else used again meanwhile: written next time
      }
    } catch (e) {
      this.log(`✗ 令牌使用时间写入失败 / could not record token use: ${(e as Error).message}`);
    }
  }

  async create(input: {
    subject: string;
    roles: string[];
    packs: string[] | '*';
    expiresAt?: string;
  }): Promise<TokenCreatedBody> {
    const now = this.now();
    if (input.expiresAt !== undefined && Date.parse(input.expiresAt) <= now.getTime()) {
      throw fail('BAD_REQUEST', 'expiresAt 应晚于当前时间', 'expiresAt must be in the future', [
        { path: '/expiresAt', message: { 'zh-CN': '应晚于当前时间', en: 'must be in the future' } },
      ]);
    }
    const token = newToken();
    const stored: TokenRow = {
      id: newId('tk'),
      hash: sha256(token),
      subject: input.subject,
      roles: input.roles,
      packs: input.packs,
      createdAt: iso(now),
      ...(input.expiresAt ? { expiresAt: iso(new Date(input.expiresAt)) } : {}),
    };
    await this.store.tokens.create(stored);
    return {
      id: stored.id,
      token,
      subject: stored.subject,
      roles: stored.roles,
      packs: stored.packs,
      createdAt: stored.createdAt,
      expiresAt: stored.expiresAt ?? null,
    };
  }

  async list(): Promise<TokenInfoBody[]> {
    return (await this.store.tokens.list()).map((t) => {
      const last = this.used.get(t.id) ?? t.lastUsedAt;
      return {
        id: t.id,
        subject: t.subject,
        roles: t.roles,
        packs: t.packs,
        createdAt: isoOf(t.createdAt),
        expiresAt: t.expiresAt ? isoOf(t.expiresAt) : null,
        lastUsedAt: last ? isoOf(last) : null,
      };
    });
  }

  /** Revokes a token: it stops working now, here before the answer and on other processes at their next notice. */
  async revoke(id: string): Promise<void> {
    this.forget();
    const removed = await this.store.tokens.revoke(id);
    this.forget();
    this.used.delete(id);
    if (!removed) throw fail('NOT_FOUND', `令牌「${id}」不存在`, `token '${id}' does not exist`);
  }
}

const PUBLIC = new Set((Object.values(operations) as Operation[]).filter((o) => o.public).map((o) => o.path));

/** Sets `ctx.state.auth` for /api calls and /metrics; 401 without a known token (except the public operations). */
export function authMiddleware(tokens: Tokens) {
  return async (ctx: Context, next: Next) => {
    const guarded = ctx.path === '/metrics' || ctx.path.startsWith('/api/');
    if (!guarded || PUBLIC.has(ctx.path) || ctx.path.startsWith('/api/schemas/')) return next();
    const header = ctx.get('authorization');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const auth = m ? await tokens.lookup(m[1]) : null;
    if (!auth) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw fail(
        'UNAUTHORIZED',
        m ? '令牌无效、已吊销或已过期' : '缺少访问令牌(Authorization: Bearer …)',
        m ? 'unknown, revoked or expired token' : 'missing bearer token (Authorization: Bearer …)',
      );
    }
    ctx.state.auth = auth;
    return next();
  };
}

export function requireAdmin(auth: Auth): void {
  if (!isAdmin(auth)) throw fail('FORBIDDEN', '需要管理员权限', 'admin role required');
}

/** Pack-changing calls (drafts, publish, import): the `admin` or `designer` role, within the token's packs. */
export function requireDesigner(auth: Auth): void {
  if (!isAdmin(auth) && !auth.roles.includes('designer'))
    throw fail('FORBIDDEN', '需要设计人员(designer)或管理员权限', 'the designer or admin role is required');
}
