/**
 * Rules for people who are not programmers: the fields a condition can read (from the start-data schema, the
 * event payload schemas and what `save` actions keep), named by their Chinese titles; the operators a field's kind
 * allows, named in words; every condition as a sentence ("标的额 不超过 小额诉讼上限(50,000 元)"); enum values by
 * their titles; rule names generated. UI-free: the rule form, the chart labels and the simulation read it.
 */
import type { I18n, JSONSchema, PackParameter, ProcedureDoc } from '../../../engine/browser';
import { allTransitions } from '../../../engine/browser';
import { translate, type StringKey } from '../i18n/strings';
import { text, type Lang } from './doc';
import { UNARY, isLeaf, groupKind, children, valueMode, type Cond, type Leaf } from './conditions';

export type FieldType = 'number' | 'date' | 'boolean' | 'enum' | 'text' | 'list' | 'count';

export interface PickField {
  /** `data` or `event`. */
  fact: 'data' | 'event';
  /** json path, e.g. `$.amount`, `$.agreement.effectiveOn`, `$.parties.length`. */
  path: string;
  title: I18n;
  type: FieldType;
  /** enum values with their titles. */
  choices?: { value: string; title: I18n }[];
  /** For event fields: the events whose payload has it. */
  events?: string[];
}

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const CJK = /[\u3400-\u9fff]/;

/** A schema `title` as bilingual text: "纠纷类型 Dispute type" → {zh-CN: 纠纷类型, en: Dispute type}. */
export function splitTitle(raw: unknown, fallback: string): I18n {
  if (raw && typeof raw === 'object' && 'zh-CN' in (raw as object)) return raw as I18n;
  const s = typeof raw === 'string' ? raw.trim() : '';
  if (!s) return { 'zh-CN': fallback, en: fallback };
  const m = /^(.*[\u3400-\u9fff）)][^A-Za-z]*?)\s+([A-Za-z].*)$/.exec(s);
  if (m && CJK.test(m[1])) return { 'zh-CN': m[1].trim(), en: m[2].trim() };
  return { 'zh-CN': s, en: CJK.test(s) ? fallback : s };
}

/** Titles of a schema's enum values: `enumTitles` ({value: I18n | "中文 English"}) or `oneOf: [{const, title}]`. */
export function enumChoices(schema: Record<string, unknown>): { value: string; title: I18n }[] | undefined {
  const titles = obj(schema.enumTitles);
  if (Array.isArray(schema.enum)) {
    return (schema.enum as unknown[])
      .filter((v): v is string => typeof v === 'string')
      .map((v) => ({ value: v, title: splitTitle(titles[v], v) }));
  }
  if (Array.isArray(schema.oneOf) && (schema.oneOf as unknown[]).every((o) => typeof obj(o).const === 'string')) {
    return (schema.oneOf as Record<string, unknown>[]).map((o) => ({
      value: String(o.const),
      title: splitTitle(o.title, String(o.const)),
    }));
  }
  return undefined;
}

export function enumTitle(schema: Record<string, unknown> | undefined, value: unknown, lang: Lang): string {
  const c = schema ? enumChoices(schema)?.find((x) => x.value === value) : undefined;
  return c ? text(c.title, lang) : typeof value === 'string' ? value : JSON.stringify(value);
}

function typeOf(p: Record<string, unknown>): FieldType | null {
  if (enumChoices(p)) return 'enum';
  if (p.type === 'number' || p.type === 'integer') return 'number';
  if (p.type === 'boolean') return 'boolean';
  if (p.type === 'string') return p.format === 'date' ? 'date' : 'text';
  if (p.type === 'array') return 'list';
  return null;
}

function schemaFields(
  schema: JSONSchema | undefined,
  fact: 'data' | 'event',
  prefix = '$',
  titlePrefix?: I18n,
  depth = 0,
): PickField[] {
  const out: PickField[] = [];
  for (const [name, raw] of Object.entries(obj(obj(schema).properties))) {
    const p = obj(raw);
    const own = splitTitle(p.title, name);
    const title = titlePrefix
      ? { 'zh-CN': `${titlePrefix['zh-CN']}·${own['zh-CN']}`, en: `${titlePrefix.en} ${own.en}` }
      : own;
    const path = `${prefix}.${name}`;
    const type = typeOf(p);
    if (p.type === 'object' && depth < 2) {
      out.push(...schemaFields(p as JSONSchema, fact, path, title, depth + 1));
      continue;
    }
    if (!type) continue;
    const items = obj(p.items);
    const field: PickField = { fact, path, title, type };
    if (type === 'enum') field.choices = enumChoices(p);
    if (type === 'list' && enumChoices(items)) field.choices = enumChoices(items);
    out.push(field);
    if (type === 'list') {
      out.push({
        fact,
        path: `${path}.length`,
        title: { 'zh-CN': `${title['zh-CN']}数量`, en: `number of ${title.en}` },
        type: 'count',
      });
      // a table's column as a list: `$.parties[*].name`
      for (const [col, c] of Object.entries(obj(items.properties))) {
        const ct = splitTitle(obj(c).title, col);
        out.push({
          fact,
          path: `${path}[*].${col}`,
          title: { 'zh-CN': `${title['zh-CN']}的${ct['zh-CN']}`, en: `${title.en}' ${ct.en}` },
          type: 'list',
        });
      }
    }
  }
  return out;
}

/** Every field a condition can read in this procedure, start data first, then event payloads and saved payloads. */
export function fieldCatalog(doc: ProcedureDoc): PickField[] {
  const out = schemaFields(doc.data, 'data');
  const byPath = new Map<string, PickField>();
  for (const [ev, def] of Object.entries(doc.events ?? {})) {
    for (const f of schemaFields(def.payload, 'event')) {
      const hit = byPath.get(f.path);
      if (hit) hit.events!.push(ev);
      else byPath.set(f.path, { ...f, events: [ev] });
    }
  }
  out.push(...byPath.values());
  // payloads kept in the case data by `save` actions (e.g. data.agreement.effectiveOn)
  const seen = new Set(out.filter((f) => f.fact === 'data').map((f) => f.path));
  for (const t of allTransitions(doc.machine)) {
    if (!t.event) continue;
    const actions = Array.isArray(t.transition.actions)
      ? t.transition.actions
      : t.transition.actions
        ? [t.transition.actions]
        : [];
    for (const a of actions) {
      if (typeof a !== 'object' || a.type !== 'save' || typeof a.params?.to !== 'string') continue;
      const ev = doc.events?.[t.event];
      const evTitle = ev?.title ?? { 'zh-CN': t.event, en: t.event };
      for (const f of schemaFields(ev?.payload, 'data', `$.${a.params.to}`, evTitle)) {
        if (seen.has(f.path)) continue;
        seen.add(f.path);
        out.push(f);
      }
    }
  }
  return out;
}

export function findField(catalog: PickField[], fact: string, path: string | undefined): PickField | undefined {
  return catalog.find((f) => f.fact === fact && f.path === path);
}

/** The operators that make sense for a kind of field, in the order a form offers them. */
export const OPERATORS_FOR: Record<FieldType, string[]> = {
  number: [
    'lessThanInclusive',
    'lessThan',
    'greaterThan',
    'greaterThanInclusive',
    'equal',
    'notEqual',
    'moreThanHalfOf',
    'exists',
    'notExists',
  ],
  count: ['greaterThanInclusive', 'greaterThan', 'lessThanInclusive', 'lessThan', 'equal', 'notEqual'],
  date: ['dateOnOrBefore', 'dateOnOrAfter', 'dateBefore', 'dateAfter', 'isWeekday', 'equal', 'exists', 'notExists'],
  boolean: ['isTrue', 'isFalse', 'exists', 'notExists'],
  enum: ['equal', 'notEqual', 'in', 'notIn', 'exists', 'notExists'],
  text: ['equal', 'notEqual', 'in', 'notIn', 'exists', 'notExists'],
  list: ['contains', 'doesNotContain', 'includesAll', 'exists', 'notExists'],
};

export const opName = (op: string, lang: Lang) => translate(lang, `op_${op}` as StringKey);

const num = (v: number, lang: Lang) => v.toLocaleString(lang === 'zh-CN' ? 'zh-CN' : 'en-US');

/** A parameter as words: its title and value, e.g. 小额诉讼上限(50,000 元). */
export function paramText(name: string, parameters: Record<string, PackParameter>, lang: Lang): string {
  const p = parameters[name];
  if (!p) return name;
  const v =
    typeof p.value === 'number'
      ? num(p.value, lang)
      : Array.isArray(p.value)
        ? `${p.value.length}`
        : String(p.value ?? '');
  const unit = p.unit ? ` ${unitWord(p.unit, lang)}` : '';
  return lang === 'zh-CN' ? `${text(p.title, lang)}(${v}${unit})` : `${text(p.title, lang)} (${v}${unit})`;
}

/** Units as words (pack parameters write them as codes or as Chinese). */
export function unitWord(unit: string, lang: Lang): string {
  const key = `unit_${unit}` as StringKey;
  const t = translate(lang, key);
  return t === key ? unit : t;
}

export interface Ctx {
  doc: ProcedureDoc;
  catalog: PickField[];
  parameters: Record<string, PackParameter>;
  lang: Lang;
}

/** The fact side of a condition as words. */
export function factText(
  fact: string,
  path: string | undefined,
  params: Record<string, unknown> | undefined,
  c: Ctx,
): string {
  const f = findField(c.catalog, fact, path);
  if (f) return text(f.title, c.lang);
  const t = (k: StringKey, v?: Record<string, string | number>) => translate(c.lang, k, v);
  switch (fact) {
    case 'today':
      return t('fact_today');
    case 'now':
      return t('fact_now');
    case 'params':
      return path ? paramText(path.replace(/^\$\./, ''), c.parameters, c.lang) : t('fact_params');
    case 'periodEnd': {
      const from = String(params?.from ?? '');
      const [src, ...rest] = from.split('.');
      const start =
        src === 'today'
          ? t('fact_today')
          : factText(src, rest.length ? `$.${rest.join('.')}` : undefined, undefined, c);
      const amount =
        params?.amount && typeof params.amount === 'object'
          ? paramText(String((params.amount as { param: string }).param), c.parameters, c.lang)
          : String(params?.amount ?? '');
      return t('periodEndText', { from: start, amount, unit: unitWord(String(params?.unit ?? ''), c.lang) });
    }
    case 'ratio': {
      const side = (ref: unknown) => {
        const [src, ...rest] = String(ref ?? '').split('.');
        return factText(src, rest.length ? `$.${rest.join('.')}` : undefined, undefined, c);
      };
      return t('ratioText', { num: side(params?.num), den: side(params?.den) });
    }
    case 'sum': {
      const of = Array.isArray(params?.of) ? (params!.of as unknown[]) : [];
      const parts = of.map((ref) => {
        const [src, ...rest] = String(ref).split('.');
        return factText(src, rest.length ? `$.${rest.join('.')}` : undefined, undefined, c);
      });
      return t('sumText', { of: parts.join(c.lang === 'zh-CN' ? '、' : ', ') });
    }
    case 'paramOn': {
      const [src, ...rest] = String(params?.on ?? '').split('.');
      const on =
        src === 'today'
          ? t('fact_today')
          : factText(src, rest.length ? `$.${rest.join('.')}` : undefined, undefined, c);
      const name = String(params?.name ?? '');
      const p = c.parameters[name];
      const base = t('paramOnText', { name: p ? text(p.title, c.lang) : name, on });
      return typeof params?.factor === 'number' && params.factor !== 1
        ? t('timesText', { what: base, n: params.factor })
        : base;
    }
    case 'packData':
      return t('packDataText', { name: String(params?.name ?? '') });
    case 'instance':
      return t('fact_instance');
    default: {
      const base = t(`fact_${fact}` as StringKey);
      return path ? `${base} ${path.replace(/^\$\./, '')}` : base;
    }
  }
}

/** A literal value as words, using the field's enum titles (and 是/否 for booleans). */
export function literalText(v: unknown, field: PickField | undefined, lang: Lang): string {
  if (Array.isArray(v)) return v.map((x) => literalText(x, field, lang)).join(lang === 'zh-CN' ? '、' : ', ');
  if (typeof v === 'boolean') return translate(lang, v ? 'yes' : 'no');
  if (typeof v === 'number') return num(v, lang);
  if (typeof v === 'string') {
    const c = field?.choices?.find((x) => x.value === v);
    return c ? text(c.title, lang) : lang === 'zh-CN' ? `“${v}”` : `"${v}"`;
  }
  if (v === null || v === undefined) return translate(lang, 'none');
  return JSON.stringify(v);
}

export function valueText(v: unknown, field: PickField | undefined, c: Ctx): string {
  const mode = valueMode(v);
  if (mode === 'param') return paramText((v as { param: string }).param, c.parameters, c.lang);
  if (mode === 'fact') {
    const o = v as { fact: string; path?: string; params?: Record<string, unknown> };
    return factText(o.fact, o.path, o.params, c);
  }
  return literalText(v, field, c.lang);
}

/** One condition as a sentence: "标的额(元) 不超过 小额诉讼上限(50,000 元)". */
export function leafSentence(l: Leaf, c: Ctx): string {
  const field = findField(c.catalog, l.fact, l.path);
  const subject = factText(l.fact, l.path, l.params, c);
  if (UNARY.has(l.operator)) return `${subject} ${opName(l.operator, c.lang)}`;
  if (l.operator === 'isWeekday')
    return `${subject} ${translate(c.lang, 'op_isWeekday_n', { n: translate(c.lang, `weekday_${l.value}` as StringKey) })}`;
  return `${subject} ${opName(l.operator, c.lang)} ${valueText(l.value, field, c)}`;
}

/** A whole condition tree as text: groups joined with 且 / 或, "并非(…)" for not. */
export function conditionSentence(cond: Cond, c: Ctx): string {
  if (isLeaf(cond)) return leafSentence(cond, c);
  const kind = groupKind(cond);
  const kids = children(cond);
  if (kind === 'not') return translate(c.lang, 'notText', { what: conditionSentence(kids[0], c) });
  const sep = translate(c.lang, kind === 'any' ? 'or' : 'and');
  const parts = kids.map((k) =>
    isLeaf(k) || kids.length === 1 ? conditionSentence(k, c) : `(${conditionSentence(k, c)})`,
  );
  return parts.join(sep);
}

/** A short title for a rule: the first clause of its description ("…,应报告公安机关" is left for the details). */
export function ruleShortTitle(doc: ProcedureDoc, rule: string, lang: Lang): string {
  const d = text(doc.rules?.[rule]?.description, lang);
  if (!d) return rule;
  // a closing parenthetical is a detail; the first clause is the gist
  const plain = d.replace(/\s*[(（][^()（）]*[)）]$/, '');
  const cut = lang === 'zh-CN' ? plain.split(/[,;，；。]/)[0] : plain.split(/[,;]/)[0];
  return (cut || d).trim();
}

/** A fresh rule name from its English description (camelCase), else rule1, rule2, … */
export function ruleNameFor(description: I18n, taken: Iterable<string>): string {
  const used = new Set(taken);
  const words = description.en
    .replace(/[^A-Za-z0-9 ]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 5);
  const camel = words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
  const base = /^[A-Za-z]/.test(camel) ? camel.slice(0, 48) : 'rule';
  if (base !== 'rule' && !used.has(base)) return base;
  for (let i = 1; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

/** A new leaf for a picked field: the first operator its kind allows, and a value of the right shape. */
export function leafFor(field: PickField): Leaf {
  const op = OPERATORS_FOR[field.type][0];
  return { fact: field.fact, path: field.path, operator: op, value: defaultValue(field, op) };
}

export function defaultValue(field: PickField | undefined, op: string): unknown {
  if (UNARY.has(op)) return true;
  if (op === 'in' || op === 'notIn' || op === 'includesAll') return [];
  if (op === 'isWeekday') return 5;
  switch (field?.type) {
    case 'number':
    case 'count':
      return 0;
    case 'date':
      return { fact: 'today' };
    case 'enum':
      return field.choices?.[0]?.value ?? '';
    case 'boolean':
      return true;
    default:
      return '';
  }
}

/** A parameter's value in words (numbers with separators, lists counted, units named). */
export function paramValueText(p: PackParameter, lang: Lang): string {
  const unit = p.unit ? ` ${unitWord(p.unit, lang)}` : '';
  if (typeof p.value === 'number') return `${num(p.value, lang)}${unit}`;
  if (typeof p.value === 'boolean') return translate(lang, p.value ? 'yes' : 'no');
  if (Array.isArray(p.value)) return translate(lang, 'tableRows', { n: p.value.length });
  if (p.value && typeof p.value === 'object') return translate(lang, 'tableRows', { n: Object.keys(p.value).length });
  return `${String(p.value ?? '')}${unit}`;
}

/** Effects the procedures emit, with their names in words (an unknown one shows as written). */
export const KNOWN_EFFECTS = ['supervision.notice', 'notice.publish', 'court.handoff', 'arbitration.referral'];

export function effectTitle(effect: string, lang: Lang): string {
  const key = `effect_${effect.replace(/\./g, '_')}` as StringKey;
  const t = translate(lang, key);
  return t === key ? effect : t;
}
