/**
 * 督办台 · 统计图表: the figures of `GET /api/stats` for a pack, a procedure and a period, as numbers and as charts
 * (Apache ECharts), each with its definition beside it — the same text as the OpenAPI document (engine/figures.ts).
 * The figures export as .xlsx.
 */
import './desk.css';
import { useEffect, useMemo, useState } from 'react';
import type { I18n, ProcedureDoc } from '../../../engine/browser';
import type { FigureId } from '../../../engine/browser-desk';
import { FIGURE, WINDOW_DEFINITION, stateTitleOf } from '../../../engine/browser-desk';
import { ApiError, type Api, type PackSummary, type Stats } from '../api';
import type { Route } from '../app/route';
import { useDeskI18n } from '../i18n/desk';
import { text } from '../model';
import { loadDoc, PackPicker, PeriodPicker, saveBlob, useToday } from './common';
import { EChart, type ChartOption } from './EChart';
import { readFigureFilters, statsParams, withPeriod, writeFigureFilters, type FigureFilters } from './query';
import { formatRate } from './format';

export function Figures({
  api,
  packs,
  params,
  onNavigate,
}: {
  api: Api;
  packs: PackSummary[];
  params: string;
  onNavigate(r: Route): void;
}) {
  const { t, lang, pick, dt } = useDeskI18n();
  const filters = useMemo(() => readFigureFilters(new URLSearchParams(params)), [params]);
  const today = useToday(api);
  const set = (f: FigureFilters) => onNavigate({ view: 'figures', params: writeFigureFilters(f).toString() });

  const [stats, setStats] = useState<Stats | null>(null);
  const [docs, setDocs] = useState<Record<string, ProcedureDoc>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setStats(null);
    setError(null);
    api.stats(statsParams(filters)).then(
      async (s) => {
        // titles of states: the chosen pack's documents, else the base pack's
        const procs = new Set([...Object.keys(s.byState ?? {}), ...Object.keys(s.timeInState ?? {})]);
        const loaded: Record<string, ProcedureDoc> = {};
        await Promise.all(
          [...procs].map(async (proc) => {
            const pack =
              filters.pack ??
              (
                packs.find((p) => !p.extends && p.procedures.some((x) => x.id === proc)) ??
                packs.find((p) => p.procedures.some((x) => x.id === proc))
              )?.id;
            if (pack) loaded[proc] = await loadDoc(api, pack, proc).catch(() => undefined as never);
          }),
        );
        if (live) {
          setDocs(loaded);
          setStats(s);
        }
      },
      (e) => live && setError(e instanceof ApiError ? pick(e.i18n) : String(e)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, params]);

  const [exporting, setExporting] = useState(false);
  const exportFigures = async () => {
    setExporting(true);
    try {
      const q = statsParams(filters);
      q.set('lang', lang);
      const { blob, name } = await api.download(`/api/exports/figures.xlsx?${q}`);
      saveBlob(blob, name);
    } catch (e) {
      setError(e instanceof ApiError ? pick(e.i18n) : String(e));
    } finally {
      setExporting(false);
    }
  };

  const stateName = (proc: string, state: string) => {
    const doc = docs[proc];
    const title = doc ? text(stateTitleOf(doc.machine, state), lang) : state;
    const multi = Object.keys(stats?.byState ?? {}).length + Object.keys(stats?.timeInState ?? {}).length > 2;
    return multi && doc ? `${pick(doc.title)} · ${title}` : title;
  };

  return (
    <div className="gz-desk" data-testid="figures">
      <div className="gz-desk-filters" data-testid="figure-filters">
        <PackPicker
          packs={packs}
          pack={filters.pack}
          procedure={filters.procedure}
          onChange={(pack, procedure) => set({ ...filters, pack, procedure })}
        />
        <PeriodPicker
          period={filters.period}
          from={filters.from}
          to={filters.to}
          onPeriod={(p) => set(withPeriod({ ...filters, sort: 'newest' }, p, today) as FigureFilters)}
          onDates={(from, to) => set({ ...filters, from, to, period: undefined })}
        />
        <span className="gz-spacer" />
        <button
          type="button"
          data-testid="export-figures"
          disabled={exporting || !stats}
          onClick={() => void exportFigures()}
        >
          {exporting ? dt('exporting') : dt('exportXlsx')}
        </button>
      </div>
      <p className="gz-muted gz-desk-scope" data-testid="figures-scope">
        {pick(WINDOW_DEFINITION)}
      </p>
      {error && (
        <div className="gz-error" data-testid="figures-error">
          {error}
        </div>
      )}
      {!stats && !error && <div className="gz-muted gz-desk-empty">{t('loading')}</div>}
      {stats && (
        <div className="gz-desk-body gz-figures" data-testid="figures-body">
          <div className="gz-kpis">
            <Kpi id="opened" value={String(stats.opened)} />
            <Kpi id="closed" value={String(stats.closed)} />
            <Kpi id="completionRate" value={formatRate(stats.completionRate)} />
            <Kpi id="onTimeRate" value={formatRate(stats.onTimeRate)} />
            <Kpi id="overdue" value={String(stats.overdue)} bad={stats.overdue > 0} />
            <Kpi id="satisfactionRate" value={formatRate(stats.satisfactionRate)} />
            <Kpi id="resolutionRate" value={formatRate(stats.resolutionRate ?? null)} />
            <Kpi id="handedOff" value={stats.handedOff === undefined ? '—' : String(stats.handedOff)} />
          </div>
          <FigureChart
            id="weekly"
            testId="chart-weekly"
            option={weeklyOption(stats, dt('figOpened'), dt('figClosed'))}
            values={stats.weekly ?? []}
            empty={!stats.weekly?.length}
          />
          <FigureChart
            id="completionRate"
            also={['onTimeRate', 'satisfactionRate', 'resolutionRate']}
            testId="chart-rates"
            option={ratesOption(stats, lang)}
            values={rateValues(stats)}
          />
          <FigureChart
            id="timeInState"
            testId="chart-time-in-state"
            option={timeInStateOption(stats, stateName, dt('days'), (days, n) => dt('daysStays', { days, n }))}
            values={flatten(stats.timeInState ?? {}, (v) => v.days)}
            empty={!Object.keys(stats.timeInState ?? {}).length}
          />
          <ByStateChart stats={stats} stateName={stateName} />
        </div>
      )}
    </div>
  );
}

function Definition({ id }: { id: FigureId }) {
  const { pick, dt } = useDeskI18n();
  return (
    <p className="gz-definition" data-testid="figure-definition" data-figure={id}>
      {pick(FIGURE[id].definition)}
    </p>
  );
}

function Kpi({ id, value, bad }: { id: FigureId; value: string; bad?: boolean }) {
  const { pick, dt } = useDeskI18n();
  return (
    <section className={`gz-kpi${bad ? ' is-bad' : ''}`} data-testid="kpi" data-figure={id}>
      <h3>{pick(FIGURE[id].title)}</h3>
      <div className="gz-kpi-value" data-testid="kpi-value">
        {value}
      </div>
      <Definition id={id} />
    </section>
  );
}

function FigureChart({
  id,
  also = [],
  testId,
  option,
  values,
  empty,
}: {
  id: FigureId;
  also?: FigureId[];
  testId: string;
  option: ChartOption;
  values: unknown;
  empty?: boolean;
}) {
  const { t, pick, dt } = useDeskI18n();
  return (
    <section className="gz-figure" data-testid="figure" data-figure={id}>
      <h3>{[id, ...also].map((x) => pick(FIGURE[x].title)).join(' · ')}</h3>
      <div className="gz-figure-row">
        {empty ? (
          <div className="gz-muted gz-chart-empty" data-testid={`${testId}-empty`}>
            {dt('noData')}
          </div>
        ) : (
          <EChart option={option} testId={testId} values={values} />
        )}
        <div className="gz-figure-defs">
          {[id, ...also].map((x) => (
            <div key={x}>
              <strong>{pick(FIGURE[x].title)}</strong>
              <Definition id={x} />
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}

function ByStateChart({ stats, stateName }: { stats: Stats; stateName(proc: string, state: string): string }) {
  const { t, dt } = useDeskI18n();
  const entries = Object.entries(stats.byState ?? {}).flatMap(([proc, states]) =>
    Object.entries(states).map(([s, n]) => ({ label: stateName(proc, s), n })),
  );
  const option: ChartOption = {
    grid: { left: 8, right: 40, top: 10, bottom: 10, containLabel: true },
    tooltip: {},
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: entries.map((e) => e.label), inverse: true },
    series: [
      {
        type: 'bar',
        data: entries.map((e) => e.n),
        label: { show: true, position: 'right' },
        itemStyle: { color: '#0969da' },
      },
    ],
  };
  return (
    <section className="gz-figure" data-testid="figure" data-figure="byState">
      <h3>{dt('figByState')}</h3>
      <div className="gz-figure-row">
        {entries.length ? (
          <EChart
            option={option}
            testId="chart-by-state"
            height={Math.max(160, entries.length * 26 + 30)}
            values={entries}
          />
        ) : (
          <div className="gz-muted gz-chart-empty">{dt('noData')}</div>
        )}
        <div className="gz-figure-defs">
          <p className="gz-definition">{dt('figByStateDef')}</p>
        </div>
      </div>
    </section>
  );
}

function weeklyOption(s: Stats, opened: string, closed: string): ChartOption {
  const weeks = s.weekly ?? [];
  return {
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, data: [opened, closed] },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: weeks.map((w) => w.week.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: opened,
        type: 'bar',
        data: weeks.map((w) => w.opened),
        label: { show: true, position: 'top' },
        itemStyle: { color: '#0969da' },
      },
      {
        name: closed,
        type: 'bar',
        data: weeks.map((w) => w.closed),
        label: { show: true, position: 'top' },
        itemStyle: { color: '#1a7f37' },
      },
    ],
  };
}

const RATE_IDS: FigureId[] = ['completionRate', 'onTimeRate', 'satisfactionRate', 'resolutionRate'];

function rateValues(s: Stats): Record<string, number | null> {
  return Object.fromEntries(
    RATE_IDS.map((id) => [id, (s as unknown as Record<string, number | null | undefined>)[id] ?? null]),
  );
}

function ratesOption(s: Stats, lang: 'zh-CN' | 'en'): ChartOption {
  const v = rateValues(s);
  const names = RATE_IDS.map((id) => (FIGURE[id].title as I18n)[lang]);
  return {
    grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
    tooltip: {},
    xAxis: { type: 'category', data: names },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      {
        type: 'bar',
        data: RATE_IDS.map((id) => (v[id] === null ? null : Math.round(v[id]! * 1000) / 10)),
        label: {
          show: true,
          position: 'top',
          formatter: (p: { dataIndex: number }) => formatRate(v[RATE_IDS[p.dataIndex]]),
        },
        itemStyle: { color: '#8250df' },
      },
    ],
  };
}

function timeInStateOption(
  s: Stats,
  stateName: (proc: string, state: string) => string,
  days: string,
  label: (days: number, n: number) => string,
): ChartOption {
  const entries = Object.entries(s.timeInState ?? {}).flatMap(([proc, states]) =>
    Object.entries(states).map(([st, v]) => ({ label: stateName(proc, st), ...v })),
  );
  return {
    grid: { left: 8, right: 60, top: 10, bottom: 10, containLabel: true },
    tooltip: {},
    xAxis: { type: 'value', name: days },
    yAxis: { type: 'category', data: entries.map((e) => e.label), inverse: true },
    series: [
      {
        type: 'bar',
        data: entries.map((e) => e.days),
        label: {
          show: true,
          position: 'right',
          formatter: (p: { dataIndex: number }) => label(entries[p.dataIndex].days, entries[p.dataIndex].n),
        },
        itemStyle: { color: '#bf8700' },
      },
    ],
  };
}

function flatten<V>(o: Record<string, Record<string, V>>, f: (v: V) => number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(o).flatMap(([p, states]) => Object.entries(states).map(([s, v]) => [`${p}/${s}`, f(v)])),
  );
}
