/** A readable list of changes (engine overrides): version diffs and what a county changed. */
import type { Override, PackParameter, ProcedureDoc } from '../../../engine/types';
import { stateAt, parseTransitionKey, text, type Change, type Lang } from '../model';
import { translate, useI18n, type StringKey } from '../i18n';

export function describeOverride(o: Override, docs: (ProcedureDoc | null | undefined)[], params: Record<string, PackParameter>, lang: Lang): { kind: string; name: string; detail?: string; target?: string } {
  const stateName = (path: string) => {
    for (const d of docs) {
      const s = d ? stateAt(d.machine, path) : undefined;
      if (s) return text(s.meta?.title, lang) || path;
    }
    return path;
  };
  const eventName = (ev: string | null) => {
    if (ev === null) return translate(lang, 'auto');
    for (const d of docs) if (d?.events?.[ev]) return text(d.events[ev].title, lang) || ev;
    return ev;
  };
  const show = (v: unknown) => (v && typeof v === 'object' && 'zh-CN' in (v as object) ? text(v as never, lang) : JSON.stringify(v));
  if (o.path.startsWith('states.')) {
    const p = o.path.slice(7);
    return { kind: 'state', name: stateName(p), detail: p, target: p };
  }
  if (o.path.startsWith('stateTitles.')) {
    const p = o.path.slice(12);
    return { kind: 'title', name: stateName(p), detail: `${show(o.from)} → ${show(o.to)}`, target: p };
  }
  if (o.path.startsWith('transitions.')) {
    const k = parseTransitionKey(o.path);
    if (k) return { kind: 'transition', name: `${stateName(k.source ?? '')} —${eventName(k.event)}→`, detail: o.path.slice(12), target: k.source ?? undefined };
  }
  if (o.kind === 'parameter') {
    return { kind: 'parameter', name: text(params[o.path]?.title, lang) || o.path, detail: `${JSON.stringify(o.from)} → ${JSON.stringify(o.to)}` };
  }
  const [, name] = /^[a-z]+\.(.+)$/.exec(o.path) ?? [null, o.path];
  if (o.kind === 'event') return { kind: 'event', name: eventName(name) };
  if (o.kind === 'rule') {
    const desc = docs.map((d) => d?.rules?.[name]?.description).find(Boolean);
    return { kind: 'rule', name, detail: desc ? text(desc, lang) : undefined };
  }
  if (o.kind === 'deadline') {
    const title = docs.map((d) => d?.deadlines?.[name]?.title).find(Boolean);
    return { kind: 'deadline', name: title ? text(title, lang) : name };
  }
  if (o.kind === 'title' && o.path === 'title') return { kind: 'procedure', name: `${show(o.from)} → ${show(o.to)}` };
  if (o.kind === 'data' && o.path.startsWith('data/')) {
    // a pack data file or one of its list items (e.g. a duty-list entry), named by its title
    const label = o.to ?? o.from;
    return { kind: 'packData', name: label && typeof label === 'object' && 'zh-CN' in label ? show(label) : o.path.split('/').pop()!, detail: o.path };
  }
  return { kind: o.kind === 'data' ? 'data' : o.kind, name: o.path };
}

export function ChangeList({ overrides, docs, params, onPick, testId }: {
  overrides: Override[]; docs: (ProcedureDoc | null | undefined)[]; params: Record<string, PackParameter>; onPick?(state: string): void; testId: string;
}) {
  const { t, lang } = useI18n();
  return (
    <ul className="gz-changes" data-testid={testId}>
      {overrides.map((o, i) => {
        const d = describeOverride(o, docs, params, lang);
        const change = o.change as Change;
        return (
          <li key={`${o.path}|${i}`} className={`gz-change is-${change}`} data-testid="change" data-change={change} data-kind={d.kind} data-path={o.path}>
            <span className={`gz-change-tag is-${change}`}>{t(`change_${change}` as StringKey)}</span>
            <span className="gz-muted">{t(`kindLabel_${d.kind}` as StringKey)}</span>{' '}
            {d.target && onPick ? <button type="button" className="gz-link" onClick={() => onPick(d.target!)}>{d.name}</button> : <strong>{d.name}</strong>}
            {d.detail && <div className="gz-muted gz-change-detail">{d.detail}</div>}
          </li>
        );
      })}
    </ul>
  );
}
