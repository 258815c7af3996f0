/**
 * Moving running cases to another published version of their procedure (DESIGN decision 5; API.md "Instances"):
 * one case, or a batch chosen by a filter, dry run first. Each case is computed by the engine (engine/migrate.ts:
 * states by id or map, deadlines recomputed from their period start under the new version) and written as one step
 * in the case's transaction — the instance on the new version, a MIGRATED history entry, its timers — or, in a dry
 * run, only reported. A case whose state has no counterpart is refused with the problems and left as it was.
 */
import { migrate, type DeadlineMigration, type ProblemDetail } from '../../engine';
import type { PackCatalog } from '../packs/catalog';
import type { Store } from '../store/seam';
import type { Webhook } from '../registry';
import type { Clock } from '../time/clock';
import { canSeePack, type Auth } from '../auth/tokens';
import { DomainError, fail, notFound } from '../errors';
import { stepDelta } from './commit';

export interface MigrateDeps {
  store: Store;
  catalog: PackCatalog;
  webhooks: () => readonly Webhook[];
  clock: Clock;
}

export interface MigrateBody {
  toVersion?: number;
  stateMap?: Record<string, string>;
  dryRun?: boolean;
}

export interface BatchBody extends MigrateBody {
  /** Which running cases: those on these versions (default: every version before the target), in this state (and its sub-states). */
  fromVersions?: number[];
  state?: string;
  ids?: string[];
  /** At most this many cases per call (default 200, at most 1000); `next` continues. */
  limit?: number;
  cursor?: string;
}

export interface CaseMigration {
  id: string;
  fromVersion: number;
  toVersion: number;
  state: { from: string; to: string };
  deadlines: DeadlineMigration[];
  problems: ProblemDetail[];
  /** Whether the case was moved (false in a dry run, or when refused). */
  moved: boolean;
}

const caseNotFound = (id: string) =>
  notFound({ 'zh-CN': `案件「${id}」不存在`, en: `instance '${id}' does not exist` });

export class Migrations {
  constructor(private readonly d: MigrateDeps) {}

  private target(pack: string, procedure: string, toVersion: number | undefined): number {
    const latest = this.d.catalog.latestVersion(pack, procedure);
    const v = toVersion ?? latest;
    if (v === undefined || !this.d.catalog.versions(pack, procedure).some((x) => x.version === v)) {
      throw notFound({
        'zh-CN': `流程「${procedure}」没有版本 ${v ?? ''}`.trim(),
        en: `procedure '${procedure}' has no version ${v ?? ''}`.trim(),
      });
    }
    return v;
  }

  /** One case: computed (and, unless a dry run, written) in the case's transaction. */
  private async one(id: string, body: MigrateBody, auth: Auth, toVersion?: number): Promise<CaseMigration> {
    const dryRun = body.dryRun === true;
    const history = await this.d.store.cases.history(id);
    return this.d.store.cases.transact(id, async (tx) => {
      const inst = tx.current?.instance;
      if (!inst || !canSeePack(auth, inst.pack)) throw caseNotFound(id);
      const to = toVersion ?? this.target(inst.pack, inst.procedure, body.toVersion);
      const fromProc = await this.d.catalog.compiled(inst.pack, inst.procedure, inst.version);
      const toProc = await this.d.catalog.compiled(inst.pack, inst.procedure, to);
      const r = await migrate(fromProc, toProc, inst, {
        now: this.d.clock.now(),
        history,
        ...(body.stateMap ? { stateMap: body.stateMap } : {}),
        actor: { subject: auth.subject, roles: auth.roles },
      });
      const out: CaseMigration = {
        id,
        fromVersion: inst.version,
        toVersion: to,
        state: r.report.state,
        deadlines: r.report.deadlines,
        problems: r.report.problems,
        moved: false,
      };
      if (!r.ok || dryRun) return out;
      await tx.commit(stepDelta(toProc, tx.current, r.step, this.d.webhooks()));
      return { ...out, moved: true };
    });
  }

  /** `POST /api/instances/:id/migrate`: 409 MIGRATION_REFUSED with the problems when the case cannot be moved. */
  async migrateCase(auth: Auth, id: string, body: MigrateBody): Promise<CaseMigration & { dryRun: boolean }> {
    const s = await this.d.store.cases.summary(id);
    if (!s || !canSeePack(auth, s.pack)) throw caseNotFound(id);
    const r = await this.one(id, body, auth);
    if (r.problems.length) {
      throw new DomainError(
        'MIGRATION_REFUSED',
        {
          'zh-CN': `案件不能迁移到版本 ${r.toVersion}(${r.problems.length} 个问题)`,
          en: `the case cannot be moved to version ${r.toVersion} (${r.problems.length} problem(s))`,
        },
        r.problems,
      );
    }
    return { ...r, dryRun: body.dryRun === true };
  }

  /**
   * `POST /api/packs/:pack/procedures/:proc/migrate`: the running cases the filter selects, each moved or refused on
   * its own (a refused case does not stop the others). A dry run unless `dryRun: false`.
   */
  async migrateBatch(
    auth: Auth,
    pack: string,
    procedure: string,
    body: BatchBody,
  ): Promise<{
    toVersion: number;
    dryRun: boolean;
    cases: CaseMigration[];
    moved: number;
    refused: number;
    next: string | null;
  }> {
    const dryRun = body.dryRun !== false;
    const to = this.target(pack, procedure, body.toVersion);
    const from = body.fromVersions ? new Set(body.fromVersions) : null;
    if (from?.has(to))
      throw fail(
        'BAD_REQUEST',
        `fromVersions 不能含目标版本 ${to}`,
        `fromVersions may not hold the target version ${to}`,
        { path: '/fromVersions' },
      );
    const limit = Math.min(Math.max(body.limit ?? 200, 1), 1000);
    const wanted = body.ids ? new Set(body.ids) : null;
    const cases: CaseMigration[] = [];
    let after = body.cursor ? Buffer.from(body.cursor, 'base64url').toString() : undefined;
    let next: string | null = null;
    // pages of the procedure's running cases, in creation order, keeping those the filter selects
    for (let page = 0; page < 1000; page++) {
      const { items, next: more } = await this.d.store.cases.list({
        packs: auth.packs,
        pack,
        procedure,
        status: 'active',
        ...(body.state ? { state: body.state } : {}),
        ...(after ? { after } : {}),
        limit: 500,
      });
      for (const inst of items) {
        after = inst.id;
        if (inst.version === to || (from ? !from.has(inst.version) : inst.version > to)) continue;
        if (wanted && !wanted.has(inst.id)) continue;
        cases.push(await this.one(inst.id, { ...body, dryRun }, auth, to));
        if (cases.length === limit) break;
      }
      if (cases.length === limit) {
        next =
          more === null && items[items.length - 1]?.id === after ? null : Buffer.from(after!).toString('base64url');
        break;
      }
      if (more === null) break;
      after = more;
    }
    return {
      toVersion: to,
      dryRun,
      cases,
      moved: cases.filter((c) => c.moved).length,
      refused: cases.filter((c) => c.problems.length).length,
      next,
    };
  }
}
