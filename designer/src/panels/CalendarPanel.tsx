/**
 * The pack's legal calendar, a year at a time: holidays and make-up working days from the State Council's notice
 * (named), or — for a year whose notice is not loaded — the statutory days marked 暂定 (provisional). An
 * administrator pastes the notice's text: a dry run first lists every running case whose deadline would move, then
 * loading it makes the year official for the pack and the packs built on it.
 */
import { useEffect, useState } from 'react';
import { ApiError, type CalendarLoad, type CalendarYear } from '../api';
import { formatDue } from '../model';
import { useI18n } from '../i18n';
import { useWorkspace } from '../workspace/context';
import { Section } from './widgets';

const pad = (n: number) => String(n).padStart(2, '0');

export function CalendarPanel() {
  const { api, packId, notify, doc } = useWorkspace();
  const { t, pick, lang } = useI18n();
  const [year, setYear] = useState<number | null>(null);
  const [cal, setCal] = useState<CalendarYear | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [trial, setTrial] = useState<CalendarLoad | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    setError('');
    api.calendar(packId, year ?? undefined).then(
      (c) => {
        if (!live) return;
        setCal(c);
        if (year === null) setYear(c.year);
      },
      (e) => live && setError(e instanceof ApiError ? pick(e.i18n) : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, packId, year, pick]);

  const load = async (dryRun: boolean) => {
    if (!year || !notice.trim()) return;
    setBusy(true);
    setError('');
    try {
      const r = await api.loadNotice(packId, year, notice, dryRun);
      if (dryRun) setTrial(r);
      else {
        setTrial(null);
        setNotice('');
        setCal(await api.calendar(packId, year));
        notify(t('noticeLoaded', { year, n: r.recalculated.length }));
      }
    } catch (e) {
      setError(e instanceof ApiError ? pick(e.i18n) : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (!cal || year === null) return <div className="gz-muted">{error || t('loading')}</div>;
  const holidays = new Map(cal.holidays.map((h) => [h.date, h]));
  const workdays = new Map(cal.workdays.map((w) => [w.date, w]));
  const deadlineName = (name: string) => pick(doc.deadlines?.[name]?.title) || name;
  return (
    <div
      className="gz-calendar"
      data-testid="calendar-panel"
      data-year={year}
      data-official={cal.official ? 'true' : 'false'}
    >
      <Section
        title={t('calendarTitle')}
        actions={
          <span className="gz-row">
            <button
              type="button"
              data-testid="calendar-prev"
              onClick={() => {
                setTrial(null);
                setYear(year - 1);
              }}
            >
              {t('prevYear')}
            </button>
            <strong data-testid="calendar-year">{t('yearN', { n: year })}</strong>
            <button
              type="button"
              data-testid="calendar-next"
              onClick={() => {
                setTrial(null);
                setYear(year + 1);
              }}
            >
              {t('nextYear')}
            </button>
          </span>
        }
      >
        <p className={cal.official ? 'gz-ok' : 'gz-warning'} data-testid="calendar-source">
          {cal.official ? t('calendarOfficial', { source: pick(cal.source) }) : pick(cal.source) || t('calendarNone')}
        </p>
        <div className="gz-legend-row">
          <span className="gz-day is-holiday">{t('dayHoliday')}</span>
          <span className="gz-day is-provisional">{t('provisional')}</span>
          <span className="gz-day is-workday">{t('dayWorkday')}</span>
          <span className="gz-day is-weekend">{t('dayWeekend')}</span>
        </div>
        <div className="gz-months">
          {Array.from({ length: 12 }, (_, m) => {
            const first = new Date(Date.UTC(year, m, 1));
            const lead = (first.getUTCDay() + 6) % 7;
            const days = new Date(Date.UTC(year, m + 1, 0)).getUTCDate();
            return (
              <table key={m} className="gz-month" data-testid="calendar-month">
                <caption>{t('monthN', { n: m + 1 })}</caption>
                <thead>
                  <tr>
                    {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                      <th key={d}>{t(`weekdayShort_${d}` as never)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {Array.from({ length: Math.ceil((lead + days) / 7) }, (_, w) => (
                    <tr key={w}>
                      {Array.from({ length: 7 }, (_, d) => {
                        const day = w * 7 + d - lead + 1;
                        if (day < 1 || day > days) return <td key={d} />;
                        const date = `${year}-${pad(m + 1)}-${pad(day)}`;
                        const h = holidays.get(date);
                        const wd = workdays.get(date);
                        const cls = h
                          ? h.provisional
                            ? 'is-provisional'
                            : 'is-holiday'
                          : wd
                            ? 'is-workday'
                            : d >= 5
                              ? 'is-weekend'
                              : '';
                        return (
                          <td
                            key={d}
                            className={`gz-day ${cls}`}
                            data-date={date}
                            title={h?.name ?? wd?.name ?? undefined}
                          >
                            {day}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            );
          })}
        </div>
        <ul className="gz-list gz-daylist" data-testid="calendar-days">
          {cal.holidays.map((h) => (
            <li key={`h${h.date}`} data-testid="calendar-holiday" data-date={h.date}>
              {formatDue(h.date, lang)} {h.name}
              {h.provisional ? <span className="gz-pill gz-provisional">{t('provisional')}</span> : null}
            </li>
          ))}
          {cal.workdays.map((w) => (
            <li key={`w${w.date}`} data-testid="calendar-workday">
              {formatDue(w.date, lang)} {t('makeUpWorkday', { name: w.name })}
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t('loadNotice')} testId="calendar-load">
        <p className="gz-muted">{t('loadNoticeHelp', { year })}</p>
        <textarea
          rows={6}
          value={notice}
          data-testid="calendar-notice"
          aria-label={t('loadNotice')}
          onChange={(e) => {
            setNotice(e.target.value);
            setTrial(null);
          }}
        />
        <div className="gz-row">
          <button
            type="button"
            data-testid="calendar-dry-run"
            disabled={busy || !notice.trim()}
            onClick={() => void load(true)}
          >
            {t('dryRun')}
          </button>
          <button
            type="button"
            className="gz-primary"
            data-testid="calendar-apply"
            disabled={busy || !trial}
            onClick={() => void load(false)}
          >
            {t('applyNotice')}
          </button>
        </div>
        {error && (
          <div className="gz-error" data-testid="calendar-error">
            {error}
          </div>
        )}
        {trial && (
          <div data-testid="calendar-trial">
            <p>
              {t('trialSummary', { h: trial.holidays.length, w: trial.workdays.length, n: trial.recalculated.length })}
            </p>
            {trial.recalculated.length > 0 && (
              <table className="gz-table">
                <thead>
                  <tr>
                    <th>{t('instance')}</th>
                    <th>{t('deadline')}</th>
                    <th>{t('dueBefore')}</th>
                    <th>{t('dueAfter')}</th>
                  </tr>
                </thead>
                <tbody>
                  {trial.recalculated.map((r, i) => (
                    <tr key={i} data-testid="calendar-moved">
                      <td>{r.instance}</td>
                      <td>{deadlineName(r.deadline)}</td>
                      <td>{formatDue(r.from, lang)}</td>
                      <td>
                        {formatDue(r.to, lang)}
                        {r.overdueNow ? ` · ${t('overdue')}` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        )}
      </Section>
    </div>
  );
}

/** Which years the next twelve months touch, and which of them have no notice loaded (for the banner). */
export async function provisionalYearsAhead(calendar: (year?: number) => Promise<CalendarYear>): Promise<number[]> {
  const now = await calendar();
  const next = await calendar(now.year + 1);
  return [now, next].filter((c) => !c.official).map((c) => c.year);
}
