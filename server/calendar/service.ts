/**
 * The legal calendar of the running server: a pack's year as the API shows it, loading a year's State Council notice
 * (`PUT /api/packs/:pack/calendar/:year`), and bringing running cases in line with it.
 *
 * When a year becomes official for a pack (loaded through the API, or a new data file found at start-up), every
 * pending deadline of that pack and of every pack extending it that read the year is recomputed from its own period
 * start: each case that changes gets a DEADLINE_RECALCULATED history entry (old and new due time, the notice named),
 * a `deadline` webhook per deadline moved, and its timers re-armed; a deadline the new data puts in the past fires at
 * once. What running cases were last brought in line with is kept per pack and year (a fingerprint of the year's
 * data), so a crash between loading and recalculating is finished at the next start.
 */
import { createHash } from 'node:crypto';
import {
  calendar,
  provisionalMarks,
  recalculation,
  type CalendarData,
  type I18n,
  type Instance,
  type ProblemDetail,
  type ResolvedPack,
} from '../../engine';
import type { Store } from '../store/seam';
import type { PackCatalog } from '../packs/catalog';
import { IMPORTED_CALENDARS } from '../packs/catalog';
import type { CaseService } from '../cases/service';
import type { Clock } from '../time/clock';
import type { Scheduler } from '../time/scheduler';
import { DomainError as ApiError, fail } from '../errors';

/** Registry setting: pack → year → fingerprint of the calendar data running cases follow. */
const APPLIED = 'calendars:applied';
const MAX_NOTICE_CHARS = 100_000;

export interface CalendarDeps {
  catalog: PackCatalog;
  cases: CaseService;
  store: Store;
  scheduler: Scheduler;
  clock: Clock;
  log: (msg: string) => void;
}

export interface Recalculated {
  instance: string;
  pack: string;
  procedure: string;
  deadline: string;
  from: string;
  to: string;
  provisional: boolean;
  provisionalYears?: number[];
  /** The new due time is already past: the deadline fires at once. */
  overdueNow: boolean;
}

export interface LoadBody {
  notice?: unknown;
  source?: unknown;
  holidays?: unknown;
  workdays?: unknown;
}

const fingerprint = (f: calendar.CalendarFile) =>
  createHash('sha256')
    .update(JSON.stringify([f.holidays, f.workdays]))
    .digest('hex')
    .slice(0, 16);

function invalid(problems: ProblemDetail[]): ApiError {
  return new ApiError('INVALID_CALENDAR', calendar.invalidCalendarMessage(problems), problems);
}

export class CalendarService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly d: CalendarDeps) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** One year of a pack's calendar (API.md "Legal calendar"): the notice's days, or the statute's, provisional. */
  year(pack: ResolvedPack, year: number) {
    return {
      ...calendar.calendarYear(pack.data, year, pack.calendarPolicy ?? 'provisional'),
      officialYears: pack.calendar.years,
    };
  }

  /** Reads the body of PUT …/calendar/:year into a checked calendar file for `year`, or 422 INVALID_CALENDAR. */
  private fileOf(year: number, body: LoadBody): calendar.CalendarFile {
    if (body && typeof body === 'object' && typeof body.notice === 'string') {
      if (body.notice.length > MAX_NOTICE_CHARS) {
        throw invalid([
          {
            path: '/notice',
            code: 'NOTICE_UNREADABLE',
            message: {
              'zh-CN': `通知正文超过 ${MAX_NOTICE_CHARS} 字`,
              en: `the notice text exceeds ${MAX_NOTICE_CHARS} characters`,
            },
          },
        ]);
      }
      const r = calendar.parseNotice(body.notice);
      if (!r.ok) throw invalid(r.problems);
      const problems = calendar.checkCalendarFile(r.file, year);
      if (problems.length) throw invalid(problems);
      return r.file;
    }
    if (body && typeof body === 'object' && body.source !== undefined) {
      const file = { year, source: body.source, holidays: body.holidays, workdays: body.workdays };
      const problems = calendar.checkCalendarFile(file, year);
      if (problems.length) throw invalid(problems);
      const f = file as calendar.CalendarFile;
      // keep only the fields a calendar file has, in its order
      return {
        year,
        source: { 'zh-CN': f.source['zh-CN'], en: f.source.en },
        holidays: f.holidays.map(({ date, name }) => ({ date, name })),
        workdays: f.workdays.map(({ date, name }) => ({ date, name })),
      };
    }
    throw fail(
      'BAD_REQUEST',
      '请求体应为 {"notice": "<通知全文>"} 或 {"source", "holidays", "workdays"}',
      'the body must be {"notice": "<the notice text>"} or {"source", "holidays", "workdays"}',
    );
  }

  /**
   * Loads a year's calendar for a pack: the year becomes official for it and every pack extending it, and running
   * cases' deadlines that read the year are recomputed. `dryRun` answers the same and changes nothing.
   */
  load(packId: string, year: number, body: LoadBody, opts: { dryRun: boolean }) {
    const file = this.fileOf(year, body);
    return this.serial(async () => {
      const planned = this.d.catalog.resolveWithCalendars({ [packId]: { [year]: file } });
      const affected = Object.values(planned).filter((p) => p.lineage.includes(packId));
      let recalculated: Recalculated[];
      if (opts.dryRun) {
        recalculated = await this.preview(affected, year, file.source);
      } else {
        await this.d.store.settings.update(IMPORTED_CALENDARS, (old) => {
          const all = old ? JSON.parse(old) : {};
          (all[packId] ??= {})[year] = file;
          return JSON.stringify(all);
        });
        await this.d.catalog.reload();
        recalculated = await this.follow(
          affected.map((p) => p.id),
          [year],
        );
      }
      return {
        year,
        official: true,
        source: file.source,
        holidays: file.holidays,
        workdays: file.workdays,
        recalculated,
        ...(opts.dryRun ? { dryRun: true } : {}),
      };
    });
  }

  /** At start-up: bring running cases in line with every official year whose data changed since they last were. */
  reconcile(): Promise<Recalculated[]> {
    return this.serial(async () => {
      const applied = await this.applied();
      const firstRun = applied === null;
      const out: Recalculated[] = [];
      const todo = new Map<number, string[]>();
      for (const id of this.d.catalog.packIds()) {
        const pack = this.d.catalog.resolved(id)!;
        const files = calendar.calendarFiles(pack.data);
        const seen = applied?.[id];
        // a pack seen for the first time has no case computed with another calendar: it is the baseline
        if (firstRun || !seen) continue;
        for (const [year, f] of files)
          if (seen[year] !== fingerprint(f)) todo.set(year, [...(todo.get(year) ?? []), id]);
      }
      for (const [year, packs] of [...todo].sort((a, b) => a[0] - b[0])) {
        this.d.log(
          `  日历 / calendar: ${year} 年数据已更新,重算在办案件期限 / ${year} changed: recomputing running cases' deadlines (${packs.join(', ')})`,
        );
        out.push(...(await this.follow(packs, [year], false)));
      }
      await this.markApplied(this.d.catalog.packIds());
      return out;
    });
  }

  private async applied(): Promise<Record<string, Record<string, string>> | null> {
    const raw = await this.d.store.settings.get(APPLIED);
    return raw ? JSON.parse(raw) : null;
  }

  private async markApplied(packs: string[]): Promise<void> {
    const marks: Record<string, Record<string, string>> = {};
    for (const id of packs) {
      const pack = this.d.catalog.resolved(id);
      if (pack)
        marks[id] = Object.fromEntries(
          [...calendar.calendarFiles(pack.data)].map(([y, f]) => [String(y), fingerprint(f)]),
        );
    }
    await this.d.store.settings.update(APPLIED, (old) => {
      const all = old ? JSON.parse(old) : {};
      Object.assign(all, marks);
      return JSON.stringify(all);
    });
  }

  /** Active cases of `packs` that may hold a deadline reading one of `years` (a deadline reads no day after its due day). */
  private async candidates(packs: string[], years: number[]): Promise<{ id: string; pack: string }[]> {
    return this.d.store.cases.withDeadlinesFrom(packs, `${Math.min(...years)}-01-01`);
  }

  private changesOf(inst: Instance, res: NonNullable<ReturnType<typeof recalculation>>, now: Date): Recalculated[] {
    return (res.history.payload as { changes: { deadline: string; from: string; to: string }[] }).changes.map((c) => {
      const d = res.instance.deadlines.find((x) => x.name === c.deadline)!;
      return {
        instance: inst.id,
        pack: inst.pack,
        procedure: inst.procedure,
        deadline: c.deadline,
        from: c.from,
        to: c.to,
        ...provisionalMarks(d),
        overdueNow: Date.parse(c.to) <= now.getTime(),
      };
    });
  }

  private async preview(packs: ResolvedPack[], year: number, notice: I18n): Promise<Recalculated[]> {
    const now = this.d.clock.now();
    const calOf = new Map<string, CalendarData>(packs.map((p) => [p.id, p.calendar]));
    const out: Recalculated[] = [];
    for (const s of await this.candidates([...calOf.keys()], [year])) {
      const rec = await this.d.store.cases.get(s.id);
      if (!rec) continue;
      const res = this.safely(s.id, () => recalculation(rec.instance, calOf.get(s.pack)!, [year], notice, now));
      if (res) out.push(...this.changesOf(rec.instance, res, now));
    }
    return out;
  }

  /** Recomputes and writes; then fires what is already due. Runs inside `serial`. */
  private async follow(packs: string[], years: number[], mark = true): Promise<Recalculated[]> {
    const out: Recalculated[] = [];
    for (const s of await this.candidates(packs, years)) {
      const pack = this.d.catalog.resolved(s.pack);
      if (!pack) continue;
      const changes = await this.d.cases.amend(s.id, (rec) => {
        const now = this.d.clock.now();
        const notice = this.noticeOf(pack, years);
        const res = this.safely(s.id, () => recalculation(rec.instance, pack.calendar, years, notice, now));
        if (!res) return null;
        const out = this.changesOf(rec.instance, res, now);
        return { res, opts: { recalculated: out.map((c) => ({ name: c.deadline, from: c.from, to: c.to })) }, out };
      });
      if (changes) out.push(...changes);
    }
    if (mark) await this.markApplied(packs);
    if (out.some((c) => c.overdueNow)) await this.d.scheduler.expireDue(this.d.clock.now());
    return out;
  }

  private noticeOf(pack: ResolvedPack, years: number[]): I18n {
    const files = calendar.calendarFiles(pack.data);
    const sources = years.map((y) => files.get(y)?.source).filter((x): x is I18n => !!x);
    return sources.length === 1
      ? sources[0]
      : { 'zh-CN': sources.map((x) => x['zh-CN']).join(';'), en: sources.map((x) => x.en).join('; ') };
  }

  /** A case whose deadline cannot be recomputed (its pack now refuses the year, say) keeps it, and the log says why. */
  private safely<T>(id: string, fn: () => T): T | null {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof calendar.CalendarError)) throw e;
      this.d.log(`! 期限无法按新日历重算 / deadline not recomputed: ${id}: ${e.code} ${e.i18n.en}`);
      return null;
    }
  }
}
