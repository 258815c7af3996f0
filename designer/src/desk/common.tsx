/** What the desk's two screens share: the server's today, the pack/procedure/period pickers, saving a download. */
import { useEffect, useState } from 'react';
import type { ProcedureDoc } from '../../../engine/browser';
import { shanghaiDate } from '../../../engine/browser';
import type { Api, PackSummary } from '../api';
import { useDeskI18n, type DeskKey } from '../i18n/desk';
import { PERIODS, type Period } from './query';

/** The server's today (its clock may be a controlled one); the browser's date in Asia/Shanghai until it answers. */
export function useToday(api: Api): string {
  const [today, setToday] = useState(() => shanghaiDate(new Date()));
  useEffect(() => {
    let live = true;
    api.me().then(
      (me) => {
        if (live && me?.now) setToday(shanghaiDate(new Date(me.now)));
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);
  return today;
}

/** Procedure documents loaded once per pack, procedure and version (the latest when no version is given). */
const docCache = new Map<string, Promise<ProcedureDoc>>();
export function loadDoc(api: Api, pack: string, procedure: string, version?: number): Promise<ProcedureDoc> {
  const key = `${api.token}|${pack}/${procedure}/${version ?? 'latest'}`;
  let p = docCache.get(key);
  if (!p) {
    p = api.procedure(pack, procedure, version);
    p.catch(() => docCache.delete(key));
    docCache.set(key, p);
  }
  return p;
}

export function PackPicker({
  packs,
  pack,
  procedure,
  onChange,
}: {
  packs: PackSummary[];
  pack?: string;
  procedure?: string;
  onChange(pack?: string, procedure?: string): void;
}) {
  const { t, pick, dt } = useDeskI18n();
  const chosen = packs.find((p) => p.id === pack);
  return (
    <>
      <label className="gz-inline">
        {t('pack')}
        <select
          value={pack ?? ''}
          data-testid="desk-pack"
          onChange={(e) => onChange(e.target.value || undefined, undefined)}
        >
          <option value="">{dt('allPacks')}</option>
          {packs.map((p) => (
            <option key={p.id} value={p.id}>
              {pick(p.title)}
            </option>
          ))}
        </select>
      </label>
      <label className="gz-inline">
        {t('procedure')}
        <select
          value={procedure ?? ''}
          data-testid="desk-procedure"
          disabled={!chosen}
          onChange={(e) => onChange(pack, e.target.value || undefined)}
        >
          <option value="">{dt('allProcedures')}</option>
          {chosen?.procedures.map((p) => (
            <option key={p.id} value={p.id}>
              {pick(p.title)}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

/** A named period (本周 …), or dates of one's own. */
export function PeriodPicker({
  period,
  from,
  to,
  onPeriod,
  onDates,
}: {
  period?: Period;
  from?: string;
  to?: string;
  onPeriod(p?: Period): void;
  onDates(from?: string, to?: string): void;
}) {
  const { t, dt } = useDeskI18n();
  return (
    <span className="gz-inline" data-testid="desk-period-box">
      {dt('openedBetween')}
      <select
        value={period ?? (from || to ? 'custom' : '')}
        data-testid="desk-period"
        onChange={(e) => {
          const v = e.target.value;
          if (v === '') onPeriod(undefined);
          else if (v !== 'custom') onPeriod(v as Period);
        }}
      >
        <option value="">{dt('anyTime')}</option>
        {PERIODS.map((p) => (
          <option key={p} value={p}>
            {dt(`period_${p}` as DeskKey)}
          </option>
        ))}
        <option value="custom">{dt('customDates')}</option>
      </select>
      <input
        type="date"
        value={from ?? ''}
        data-testid="desk-from"
        aria-label={dt('fromDate')}
        onChange={(e) => onDates(e.target.value || undefined, to)}
      />
      <span>–</span>
      <input
        type="date"
        value={to ?? ''}
        data-testid="desk-to"
        aria-label={dt('toDate')}
        onChange={(e) => onDates(from, e.target.value || undefined)}
      />
    </span>
  );
}

/** Hands a made file to the browser as a download. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
