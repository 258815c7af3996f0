/**
 * The supervision desk's downloads (issue 18): the case list (the listing's filters and order, every page) and the
 * figures (the stats' scope) as .xlsx workbooks (exports/xlsx.ts), with the filters said in words on the first lines.
 */
import { calendar, stateTitleOf, type I18n, type ProcedureDoc } from '../../engine';
import type { AppDeps } from '../deps';
import { canSeePack, type Auth } from '../auth/tokens';
import { notFound } from '../errors';
import { everyCase, listFilters } from '../cases/query';
import { statsBody } from '../cases/stats';
import { attachment, casesWorkbook, figuresWorkbook, type Lang } from './xlsx';
import type { CaseQuery } from '../store/seam';
import type { ExportCasesQuery, ExportFiguresQuery } from '../contract';

export interface Download {
  /** The Content-Disposition header. */
  disposition: string;
  body: Buffer;
}

type Deps = Pick<AppDeps, 'store' | 'catalog' | 'clock'>;

export class DeskExports {
  constructor(private readonly d: Deps) {}

  private packTitle = (id: string) => this.d.catalog.resolved(id)?.title as I18n | undefined;
  private procTitle = (pack: string | undefined, proc: string) =>
    pack ? (this.d.catalog.resolved(pack)?.procedures[proc]?.title as I18n | undefined) : undefined;

  private visible(auth: Auth, pack: string | undefined): void {
    if (pack && (!this.d.catalog.resolved(pack) || !canSeePack(auth, pack)))
      throw notFound({ 'zh-CN': `配置包「${pack}」不存在`, en: `pack '${pack}' does not exist` });
  }

  /** The filters in words, for the sheet's first lines. */
  private described(q: Partial<Omit<CaseQuery, 'limit'>>, lang: Lang): string {
    const p = (v: I18n | undefined, fallback: string) => (v ? v[lang] : fallback);
    const parts: string[] = [];
    const say = (zh: string, en: string) => parts.push(lang === 'zh-CN' ? zh : en);
    if (q.pack) say(`配置包:${p(this.packTitle(q.pack), q.pack)}`, `pack: ${p(this.packTitle(q.pack), q.pack)}`);
    if (q.procedure)
      say(
        `流程:${p(this.procTitle(q.pack, q.procedure), q.procedure)}`,
        `procedure: ${p(this.procTitle(q.pack, q.procedure), q.procedure)}`,
      );
    if (q.state) {
      const doc =
        q.pack && q.procedure
          ? (this.d.catalog.resolved(q.pack)?.procedures[q.procedure] as ProcedureDoc | undefined)
          : undefined;
      const title = doc ? stateTitleOf(doc.machine, q.state) : undefined;
      say(`环节:${p(title, q.state)}`, `state: ${p(title, q.state)}`);
    }
    if (q.status)
      say(
        `办理状态:${q.status === 'done' ? '已办结' : q.status === 'cancelled' ? '已撤销' : '办理中'}`,
        `status: ${q.status}`,
      );
    if (q.overdue !== undefined) say(`逾期:${q.overdue ? '是' : '否'}`, `overdue: ${q.overdue ? 'yes' : 'no'}`);
    if (q.from || q.to)
      say(`立案日期:${q.from ?? '…'} 至 ${q.to ?? '…'}`, `opened: ${q.from ?? '…'} to ${q.to ?? '…'}`);
    if (q.businessKey) say(`业务编号:${q.businessKey}`, `business key: ${q.businessKey}`);
    if (q.businessKeyPrefix)
      say(`业务编号以「${q.businessKeyPrefix}」开头`, `business keys starting “${q.businessKeyPrefix}”`);
    const today = calendar.shanghaiDate(this.d.clock.now());
    say(`导出日期:${today}`, `exported ${today}`);
    return parts.join(lang === 'zh-CN' ? ';' : '; ');
  }

  async cases(auth: Auth, query: ExportCasesQuery): Promise<Download> {
    const lang: Lang = query.lang ?? 'zh-CN';
    const q = listFilters(query, auth.packs);
    this.visible(auth, q.pack);
    const docs = new Map<string, Promise<ProcedureDoc | undefined>>();
    const body = await casesWorkbook({
      lang,
      filters: this.described(q, lang),
      cases: everyCase(this.d.store.cases, q),
      docOf: (i) => {
        const k = `${i.pack}/${i.procedure}/${i.version}`;
        if (!docs.has(k))
          docs.set(
            k,
            this.d.catalog.compiled(i.pack, i.procedure, i.version).then(
              (c) => c.doc,
              () => undefined,
            ),
          );
        return docs.get(k)!;
      },
      packTitle: this.packTitle,
    });
    const day = calendar.shanghaiDate(this.d.clock.now());
    return { disposition: attachment(`${lang === 'zh-CN' ? '案件列表' : 'cases'}-${day}.xlsx`), body };
  }

  async figures(auth: Auth, query: ExportFiguresQuery): Promise<Download> {
    const { lang: l, ...scope } = query;
    const lang: Lang = l ?? 'zh-CN';
    this.visible(auth, scope.pack);
    const today = calendar.shanghaiDate(this.d.clock.now());
    const stats = statsBody(await this.d.store.cases.stats({ ...scope, packs: auth.packs }), scope, today);
    const base = (proc: string) =>
      scope.pack ??
      this.d.catalog.packIds().find((p) => canSeePack(auth, p) && this.d.catalog.resolved(p)?.procedures[proc]);
    const body = await figuresWorkbook({
      lang,
      filters: this.described(scope, lang),
      stats,
      docOf: (proc) => {
        const pack = base(proc);
        return pack ? (this.d.catalog.resolved(pack)?.procedures[proc] as ProcedureDoc | undefined) : undefined;
      },
    });
    return { disposition: attachment(`${lang === 'zh-CN' ? '统计' : 'figures'}-${today}.xlsx`), body };
  }
}
