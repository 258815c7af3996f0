/** A readable list of changes (engine overrides): version diffs and what a county changed. */
import type {
  DeadlineDef,
  EventDef,
  Override,
  PackParameter,
  ProcedureDoc,
  RuleDef,
  TransitionJSON,
} from '../../../engine/browser';
import { formatBasis, guardRules, type Basis } from '../../../engine/browser';
import {
  conditions as K,
  conditionSentence,
  fieldCatalog,
  guardLabel,
  paramValueText,
  parseTransitionKey,
  resolve,
  roleTitle,
  ruleShortTitle,
  splitTitle,
  stateAt,
  text,
  type Change,
  type Lang,
} from '../model';
import { translate, useI18n, type StringKey } from '../i18n';

export interface ChangeLine {
  label: string;
  from?: string;
  to?: string;
}

export interface Described {
  kind: string;
  name: string;
  target?: string;
  /** What changed, in words: old → new, a new deadline's length, a new rule's basis. */
  lines: ChangeLine[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function describeOverride(
  o: Override,
  docs: (ProcedureDoc | null | undefined)[],
  params: Record<string, PackParameter>,
  lang: Lang,
  ids = false,
): Described {
  const t = (k: StringKey, v?: Record<string, string | number>) => translate(lang, k, v);
  const doc = docs.find(Boolean) ?? undefined;
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
  const ruleName = (r: string) => {
    for (const d of docs) if (d?.rules?.[r]) return ruleShortTitle(d, r, lang);
    return r;
  };
  const show = (v: unknown) =>
    v && typeof v === 'object' && 'zh-CN' in (v as object)
      ? text(v as never, lang)
      : v === undefined
        ? ''
        : typeof v === 'string'
          ? v
          : JSON.stringify(v);
  /** A legal basis, dated versions included: 〔…前〕旧 ;〔2026-01-01起〕新. */
  const basis = (b: unknown) => (b ? text(formatBasis(b as Basis), lang) : '');
  const ctx = doc ? { doc, catalog: fieldCatalog(doc), parameters: params, lang } : null;
  const sentence = (c: unknown) => (ctx ? conditionSentence(K.asCond(c), ctx) : '');
  const guardText = (g: unknown) => {
    const r = guardRules(g);
    return r.rules.length ? guardLabel(r.rules, r.type, lang, ruleName) : t('guardNone');
  };
  const line = (label: StringKey, from: unknown, to: unknown): ChangeLine[] =>
    same(from, to) ? [] : [{ label: t(label), from: show(from), to: show(to) }];
  const tail = ids ? [{ label: t('name'), to: o.path }] : [];

  if (o.path.startsWith('states.')) {
    const p = o.path.slice(7);
    const a = (o.from ?? {}) as Record<string, unknown>;
    const b = (o.to ?? {}) as Record<string, unknown>;
    const lines: ChangeLine[] = [];
    if (o.change === 'changed') {
      if (a.type !== b.type)
        lines.push({
          label: t('finalState'),
          from: t(a.type === 'final' ? 'yes' : 'no'),
          to: t(b.type === 'final' ? 'yes' : 'no'),
        });
      if (!same(a.on, b.on) || !same(a.always, b.always))
        lines.push({ label: t('diffTransitions'), to: t('diffSeeBelow') });
      if (!same(a.entry, b.entry) || !same(a.exit, b.exit))
        lines.push({ label: t('diffActions'), to: t('diffChanged') });
      if (a.initial !== b.initial)
        lines.push({
          label: t('initialState'),
          from: a.initial ? stateName(`${p}.${a.initial}`) : '',
          to: b.initial ? stateName(`${p}.${b.initial}`) : '',
        });
    }
    return { kind: 'state', name: stateName(p), target: p, lines: [...lines, ...tail] };
  }
  if (o.path.startsWith('stateTitles.')) {
    const p = o.path.slice(12);
    return {
      kind: 'title',
      name: stateName(p),
      target: p,
      lines: [{ label: t('diffName'), from: show(o.from), to: show(o.to) }],
    };
  }
  if (o.path.startsWith('transitions.')) {
    const k = parseTransitionKey(o.path);
    if (k) {
      const src = k.source ?? '';
      const a = (typeof o.from === 'string' ? { target: o.from } : (o.from ?? {})) as TransitionJSON;
      const b = (typeof o.to === 'string' ? { target: o.to } : (o.to ?? {})) as TransitionJSON;
      const targetName = (tr: TransitionJSON) => {
        const raw = Array.isArray(tr.target) ? tr.target[0] : tr.target;
        if (raw === undefined) return t('stay');
        for (const d of docs) {
          const r = d ? resolve(d, src, raw) : null;
          if (r) return stateName(r);
        }
        return raw;
      };
      const lines: ChangeLine[] =
        o.change === 'added'
          ? [
              { label: t('diffTarget'), to: targetName(b) },
              ...(b.guard ? [{ label: t('diffGuard'), to: guardText(b.guard) }] : []),
            ]
          : o.change === 'removed'
            ? [{ label: t('diffTarget'), from: targetName(a) }]
            : [
                ...(same(a.target, b.target)
                  ? []
                  : [{ label: t('diffTarget'), from: targetName(a), to: targetName(b) }]),
                ...(same(a.guard, b.guard)
                  ? []
                  : [{ label: t('diffGuard'), from: guardText(a.guard), to: guardText(b.guard) }]),
                ...(same(a.actions, b.actions) ? [] : [{ label: t('diffActions'), to: t('diffChanged') }]),
              ];
      return {
        kind: 'transition',
        name: `${stateName(src)} —${eventName(k.event)}→`,
        target: k.source ?? undefined,
        lines: [...lines, ...tail],
      };
    }
  }
  if ((o.kind as string) === 'basis') {
    // the legal basis of a rule, deadline or parameter changed (a new version in force from a date, or a new text)
    const [, group, item] = /^(rules|deadlines|parameters)\.(.+)\.basis$/.exec(o.path) ?? [null, '', o.path];
    const itemName =
      group === 'rules'
        ? docs.map((d) => d?.rules?.[item]?.description).find(Boolean)
          ? text(docs.map((d) => d?.rules?.[item]?.description).find(Boolean)!, lang)
          : item
        : group === 'deadlines'
          ? text(docs.map((d) => d?.deadlines?.[item]?.title).find(Boolean), lang) || item
          : text(params[item]?.title, lang) || item;
    return {
      kind: 'basis',
      name: itemName,
      lines: [{ label: t('diffBasis'), from: basis(o.from), to: basis(o.to) }, ...tail],
    };
  }
  if (o.kind === 'parameter') {
    const p = params[o.path];
    const v = (x: unknown) => {
      const value = x && typeof x === 'object' && 'table' in (x as object) ? (x as { value: unknown }).value : x;
      return p ? paramValueText({ ...p, value }, lang) : show(value);
    };
    return {
      kind: 'parameter',
      name: text(p?.title, lang) || o.path,
      lines: [
        {
          label: t('value'),
          from: o.from === undefined ? undefined : v(o.from),
          to: o.to === undefined ? undefined : v(o.to),
        },
      ],
    };
  }
  const [, name] = /^[a-z]+\.(.+)$/.exec(o.path) ?? [null, o.path];
  if (o.kind === 'event') {
    const a = (o.from ?? {}) as EventDef;
    const b = (o.to ?? {}) as EventDef;
    const roles = (e: EventDef) => (e.roles ?? []).map((r) => (doc ? roleTitle(doc, r, lang) : r)).join('、');
    const fields = (e: EventDef) =>
      Object.entries(((e.payload ?? {}) as { properties?: Record<string, { title?: unknown }> }).properties ?? {})
        .map(([f, s]) => text(splitTitle(s.title, f), lang))
        .join('、');
    const lines =
      o.change === 'changed'
        ? [
            ...line('diffName', a.title, b.title),
            ...(same(a.roles, b.roles) ? [] : [{ label: t('diffRoles'), from: roles(a), to: roles(b) }]),
            ...(same(a.payload, b.payload) ? [] : [{ label: t('diffPayload'), from: fields(a), to: fields(b) }]),
          ]
        : [];
    return {
      kind: 'event',
      name: text((b.title ?? a.title) as never, lang) || eventName(name),
      lines: [...lines, ...tail],
    };
  }
  if (o.kind === 'rule') {
    const a = o.from as RuleDef | undefined;
    const b = o.to as RuleDef | undefined;
    const r = (b ?? a)!;
    const lines: ChangeLine[] =
      o.change === 'added'
        ? [
            { label: t('diffBasis'), to: basis(b?.basis) },
            { label: t('diffConditions'), to: sentence(b?.conditions) },
          ]
        : o.change === 'removed'
          ? [{ label: t('diffBasis'), from: basis(a?.basis) }]
          : // a changed basis is its own entry (kind `basis`)
            [
              ...line('ruleDescription', a?.description, b?.description),
              ...(same(a?.conditions, b?.conditions)
                ? []
                : [{ label: t('diffConditions'), from: sentence(a?.conditions), to: sentence(b?.conditions) }]),
            ];
    return { kind: 'rule', name: text(r?.description, lang) || name, lines: [...lines, ...tail] };
  }
  if (o.kind === 'deadline') {
    const a = o.from as DeadlineDef | undefined;
    const b = o.to as DeadlineDef | undefined;
    const len = (d?: DeadlineDef) => (d ? deadlineLengthOf(d, params, lang) : '');
    const lines: ChangeLine[] =
      o.change === 'added'
        ? [
            { label: t('diffLength'), to: len(b) },
            { label: t('diffState'), to: b ? stateName(b.state) : '' },
            { label: t('diffBasis'), to: basis(b?.basis) },
          ]
        : o.change === 'removed'
          ? [{ label: t('diffLength'), from: len(a) }]
          : [
              ...(len(a) === len(b) ? [] : [{ label: t('diffLength'), from: len(a), to: len(b) }]),
              ...(a?.state === b?.state
                ? []
                : [{ label: t('diffState'), from: a ? stateName(a.state) : '', to: b ? stateName(b.state) : '' }]),
              ...line('diffName', a?.title, b?.title),
              ...(same(a?.onExpiry, b?.onExpiry) ? [] : [{ label: t('diffOnExpiry'), to: t('diffChanged') }]),
            ];
    return { kind: 'deadline', name: text((b ?? a)?.title, lang) || name, lines: [...lines, ...tail] };
  }
  if (o.kind === 'title' && o.path === 'title')
    return {
      kind: 'procedure',
      name: show(o.to),
      lines: [{ label: t('diffName'), from: show(o.from), to: show(o.to) }],
    };
  if (o.kind === 'data' && o.path.startsWith('data/')) {
    // a pack data file or one of its list items (e.g. a duty-list entry), named by its title
    const label = o.to ?? o.from;
    return {
      kind: 'packData',
      name: label && typeof label === 'object' && 'zh-CN' in label ? show(label) : o.path.split('/').pop()!,
      lines: tail,
    };
  }
  if (o.kind === 'data') {
    const fields = (s: unknown) =>
      Object.entries(((s ?? {}) as { properties?: Record<string, { title?: unknown }> }).properties ?? {})
        .map(([f, x]) => text(splitTitle(x.title, f), lang))
        .join('、');
    return {
      kind: 'data',
      name: t('kindLabel_data'),
      lines: [{ label: t('diffPayload'), from: fields(o.from), to: fields(o.to) }],
    };
  }
  return { kind: o.kind, name: ids ? o.path : t(`kindLabel_${o.kind}` as StringKey), lines: tail };
}

function deadlineLengthOf(d: DeadlineDef, params: Record<string, PackParameter>, lang: Lang): string {
  const amount = typeof d.amount === 'number' ? d.amount : params[d.amount?.param]?.value;
  return typeof amount === 'number' ? translate(lang, `len_${d.unit}` as StringKey, { n: amount }) : '';
}

export function ChangeList({
  overrides,
  docs,
  params,
  onPick,
  testId,
}: {
  overrides: Override[];
  docs: (ProcedureDoc | null | undefined)[];
  params: Record<string, PackParameter>;
  onPick?(state: string): void;
  testId: string;
}) {
  const { t, lang, ids } = useI18n();
  return (
    <ul className="gz-changes" data-testid={testId}>
      {overrides.map((o, i) => {
        const d = describeOverride(o, docs, params, lang, ids);
        const change = o.change as Change;
        return (
          <li
            key={`${o.path}|${i}`}
            className={`gz-change is-${change}`}
            data-testid="change"
            data-change={change}
            data-kind={d.kind}
            data-path={o.path}
          >
            <span className={`gz-change-tag is-${change}`}>{t(`change_${change}` as StringKey)}</span>
            <span className="gz-muted">{t(`kindLabel_${d.kind}` as StringKey)}</span>{' '}
            {d.target && onPick ? (
              <button type="button" className="gz-link" onClick={() => onPick(d.target!)}>
                {d.name}
              </button>
            ) : (
              <strong>{d.name}</strong>
            )}
            {d.lines.length > 0 && (
              <ul className="gz-change-lines">
                {d.lines.map((l, j) => (
                  <li key={j} data-testid="change-line">
                    <span className="gz-muted">{l.label}:</span>
                    {l.from !== undefined && l.from !== '' && <del>{l.from}</del>}
                    {l.from !== undefined && l.from !== '' && l.to !== undefined && ' → '}
                    {l.to !== undefined && <ins>{l.to}</ins>}
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ul>
  );
}
