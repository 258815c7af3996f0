/**
 * Bearer tokens: a subject, roles and the packs it may touch. Only the SHA-256 of a token is stored (the store's
 * `TokenStore`); the admin token given by GONGZHI_ADMIN_TOKEN (or generated on first start and kept in
 * `DATA_DIR/admin-token`) has every role and every pack. Tokens seen recently are cached; the cache is dropped when
 * the store says the registry changed, so a token revoked on any process stops working on every one.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, Next } from 'koa';
import type { Store, TokenRow } from '../store/seam';
import { newCaseId, newToken, sha256 } from '../util/ids';
import { fail } from '../http/errors';

export interface Auth {
  subject: string;
  roles: string[];
  packs: string[] | '*';
}

export const isAdmin = (a: Auth) => a.roles.includes('admin');
export const canSeePack = (a: Auth, pack: string) => a.packs === '*' || a.packs.includes(pack);

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
  private readonly off: () => void;

  constructor(private readonly store: Store) {
    this.off = store.changes.on((t) => {
      if (t === 'registry') this.seen.clear();
    });
  }

  close(): void {
    this.off();
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

  /** token → auth of tokens seen recently (a token never changes once made; only the hash is stored on disk). */
  private readonly seen = new Map<string, Auth>();

  async lookup(token: string): Promise<Auth | null> {
    const hit = this.seen.get(token);
    if (hit) return hit;
    const auth = await this.find(sha256(token));
    if (auth) {
      if (this.seen.size >= 1000) this.seen.delete(this.seen.keys().next().value!);
      this.seen.set(token, auth);
    }
    return auth;
  }

  private async find(hash: string): Promise<Auth | null> {
    if (hash === this.envHash) return { subject: 'admin', roles: ['admin'], packs: '*' };
    const t = await this.store.tokens.byHash(hash);
    return t ? { subject: t.subject, roles: t.roles, packs: t.packs } : null;
  }

  async create(input: Auth, now: string): Promise<{ token: string } & Auth> {
    const token = newToken();
    const stored: TokenRow = { id: `tk${newCaseId()}`, hash: sha256(token), subject: input.subject, roles: input.roles, packs: input.packs, createdAt: now };
    await this.store.tokens.create(stored);
    return { token, subject: input.subject, roles: input.roles, packs: input.packs };
  }
}

const PUBLIC = [/^\/api\/health$/, /^\/api\/openapi\.json$/, /^\/api\/schemas\//];

/** Sets `ctx.state.auth` for /api calls; 401 without a known token (except the public endpoints). */
export function authMiddleware(tokens: Tokens) {
  return async (ctx: Context, next: Next) => {
    if (!ctx.path.startsWith('/api/') || PUBLIC.some((re) => re.test(ctx.path))) return next();
    const header = ctx.get('authorization');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const auth = m ? await tokens.lookup(m[1]) : null;
    if (!auth) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw fail('UNAUTHORIZED', m ? '令牌无效' : '缺少访问令牌(Authorization: Bearer …)', m ? 'unknown token' : 'missing bearer token (Authorization: Bearer …)');
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
  if (!isAdmin(auth) && !auth.roles.includes('designer')) throw fail('FORBIDDEN', '需要设计人员(designer)或管理员权限', 'the designer or admin role is required');
}
