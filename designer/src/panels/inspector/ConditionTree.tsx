/**
 * The rule form's conditions, without JSON: each condition picks a field by its Chinese title (from the start
 * data and the event payloads), an operator in words (the ones the field's kind allows), and a value of the
 * field's kind (a choice by its title, a number or a pack parameter, a date, today or another date); it reads
 * back as a sentence. Groups: 全部满足 / 任一满足 / 不满足. Facts a form cannot pick (period ends, ratios, pack
 * data) show as sentences, and are edited in the advanced view.
 */
import {
  conditions as K,
  defaultValue,
  findField,
  leafFor,
  leafSentence,
  opName,
  OPERATORS_FOR,
  paramText,
  text,
  type PickField,
} from '../../model';
import { useI18n } from '../../i18n';
import { useWorkspace } from '../../workspace/context';
import { Select } from '../widgets';

type Cond = K.Cond;

export function ConditionTree({
  value,
  onChange,
  readOnly,
}: {
  value: Cond;
  onChange(c: Cond): void;
  readOnly?: boolean;
}) {
  return (
    <fieldset className="gz-cond-root" disabled={readOnly}>
      <Node root={value} at={[]} onChange={onChange} />
    </fieldset>
  );
}

function Node({ root, at, onChange }: { root: Cond; at: K.Address; onChange(c: Cond): void }) {
  const node = K.getAt(root, at);
  if (K.isLeaf(node)) return <LeafRow root={root} at={at} leaf={node} onChange={onChange} />;
  return <GroupBox root={root} at={at} group={node} onChange={onChange} />;
}

function GroupBox({ root, at, group, onChange }: { root: Cond; at: K.Address; group: Cond; onChange(c: Cond): void }) {
  const { t } = useI18n();
  const kind = K.groupKind(group)!;
  const kids = K.children(group);
  return (
    <div className={`gz-cond-group gz-cond-${kind}`} data-testid="cond-group" data-depth={at.length}>
      <div className="gz-row">
        <Select
          value={kind}
          testId="cond-group-kind"
          options={[
            { value: 'all', label: t('all') },
            { value: 'any', label: t('any') },
            { value: 'not', label: t('not') },
          ]}
          onChange={(k) => onChange(K.updateAt(root, at, (g) => K.setGroupKind(g, k as 'all' | 'any' | 'not')))}
        />
        {kind !== 'not' && (
          <>
            <button
              type="button"
              data-testid="cond-add-leaf"
              onClick={() => onChange(K.appendAt(root, at, K.newLeaf()))}
            >
              {t('addCondition')}
            </button>
            <button
              type="button"
              data-testid="cond-add-group"
              onClick={() => onChange(K.appendAt(root, at, { any: [K.newLeaf()] }))}
            >
              {t('addGroup')}
            </button>
          </>
        )}
        {at.length > 0 && (
          <button type="button" className="gz-link" onClick={() => onChange(K.removeAt(root, at))}>
            {t('remove')}
          </button>
        )}
      </div>
      <div className="gz-cond-children">
        {kids.map((_, i) => (
          <Node key={i} root={root} at={[...at, i]} onChange={onChange} />
        ))}
      </div>
    </div>
  );
}

const fieldKey = (f: { fact: string; path?: string }) => `${f.fact}|${f.path ?? ''}`;

function LeafRow({ root, at, leaf, onChange }: { root: Cond; at: K.Address; leaf: K.Leaf; onChange(c: Cond): void }) {
  const { doc, catalog, parameters } = useWorkspace();
  const { t, lang, ids } = useI18n();
  const ctx = { doc, catalog, parameters, lang };
  const field = findField(catalog, leaf.fact, leaf.path);
  const set = (next: K.Leaf) => onChange(K.updateAt(root, at, () => next));
  const picked = !!field || (leaf.fact === 'data' && !leaf.path);
  const remove = (
    <button type="button" className="gz-link" onClick={() => onChange(K.removeAt(root, at))}>
      {t('remove')}
    </button>
  );
  if (!picked) {
    // a fact the form cannot pick: shown as its sentence (edited in the advanced JSON view)
    return (
      <div className="gz-cond-leaf" data-testid="cond-leaf">
        <span className="gz-cond-sentence" data-testid="cond-sentence">
          {leafSentence(leaf, ctx)}
        </span>
        {ids && (
          <code className="gz-muted">
            {leaf.fact}
            {leaf.path ? ` ${leaf.path}` : ''} {leaf.operator}
          </code>
        )}
        {remove}
      </div>
    );
  }
  const groups: { label: string; fields: PickField[] }[] = [
    { label: t('fieldsOfCase'), fields: catalog.filter((f) => f.fact === 'data') },
    { label: t('fieldsOfEvent'), fields: catalog.filter((f) => f.fact === 'event') },
  ];
  const eventsOf = (f: PickField) => (f.events ?? []).map((e) => text(doc.events?.[e]?.title, lang) || e).join('、');
  const ops = field ? [...new Set([...OPERATORS_FOR[field.type], leaf.operator])] : [];
  return (
    <div className="gz-cond-leaf" data-testid="cond-leaf">
      <select
        value={field ? fieldKey(field) : ''}
        data-testid="cond-field"
        aria-label={t('pickField')}
        onChange={(e) => {
          const f = catalog.find((x) => fieldKey(x) === e.target.value);
          if (f) set(leafFor(f));
        }}
      >
        <option value="">{t('pickField')}</option>
        {groups
          .filter((g) => g.fields.length)
          .map((g) => (
            <optgroup key={g.label} label={g.label}>
              {g.fields.map((f) => (
                <option key={fieldKey(f)} value={fieldKey(f)}>
                  {text(f.title, lang)}
                  {f.events ? `(${eventsOf(f)})` : ''}
                  {ids ? ` ${f.path}` : ''}
                </option>
              ))}
            </optgroup>
          ))}
      </select>
      {field && (
        <>
          <Select
            value={leaf.operator}
            testId="cond-operator"
            options={ops.map((o) => ({ value: o, label: opName(o, lang) }))}
            onChange={(operator) => set({ ...leaf, operator, value: defaultValue(field, operator) })}
          />
          {!K.UNARY.has(leaf.operator) && (
            <ValueInput field={field} leaf={leaf} onChange={(value) => set({ ...leaf, value })} />
          )}
        </>
      )}
      {remove}
      {field && (
        <div className="gz-cond-sentence" data-testid="cond-sentence">
          {leafSentence(leaf, ctx)}
        </div>
      )}
      {ids && (
        <code className="gz-muted">
          {leaf.fact} {leaf.path} {leaf.operator}
        </code>
      )}
    </div>
  );
}

function ValueInput({ field, leaf, onChange }: { field: PickField; leaf: K.Leaf; onChange(v: unknown): void }) {
  const { parameters, catalog } = useWorkspace();
  const { t, lang } = useI18n();
  const v = leaf.value;
  const mode = K.valueMode(v);
  const params = Object.entries(parameters).filter(([, p]) =>
    field.type === 'number' || field.type === 'count' ? typeof p.value === 'number' : true,
  );
  const paramOptions = params.map(([k]) => ({ value: k, label: paramText(k, parameters, lang) }));

  if (leaf.operator === 'isWeekday') {
    return (
      <Select
        value={String(v)}
        testId="cond-value"
        options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: String(d), label: t(`weekday_${d}` as never) }))}
        onChange={(d) => onChange(Number(d))}
      />
    );
  }
  if (
    field.choices &&
    (leaf.operator === 'in' || leaf.operator === 'notIn' || leaf.operator === 'includesAll' || field.type === 'list')
  ) {
    const list = Array.isArray(v) ? (v as string[]) : typeof v === 'string' && v ? [v] : [];
    return (
      <span className="gz-checklist" data-testid="cond-value-choices">
        {field.choices.map((c) => (
          <label key={c.value} className="gz-check">
            <input
              type="checkbox"
              checked={list.includes(c.value)}
              data-value={c.value}
              onChange={(e) =>
                onChange(
                  leaf.operator === 'contains' || leaf.operator === 'doesNotContain'
                    ? c.value
                    : e.target.checked
                      ? [...list, c.value]
                      : list.filter((x) => x !== c.value),
                )
              }
            />
            {text(c.title, lang)}
          </label>
        ))}
      </span>
    );
  }
  if (field.type === 'enum' && field.choices) {
    return (
      <Select
        value={String(v ?? '')}
        testId="cond-value"
        options={field.choices.map((c) => ({ value: c.value, label: text(c.title, lang) }))}
        onChange={onChange}
      />
    );
  }
  if (field.type === 'date') {
    const dates = catalog.filter((f) => f.type === 'date' && !(f.fact === field.fact && f.path === field.path));
    const sel =
      mode === 'fact'
        ? (v as { fact: string; path?: string }).fact === 'today'
          ? 'today'
          : `f:${fieldKey(v as { fact: string; path?: string })}`
        : 'fixed';
    return (
      <span className="gz-cond-value">
        <select
          value={sel}
          data-testid="cond-value-date"
          onChange={(e) => {
            const x = e.target.value;
            if (x === 'today') onChange({ fact: 'today' });
            else if (x === 'fixed') onChange('');
            else {
              const f = dates.find((d) => `f:${fieldKey(d)}` === x);
              if (f) onChange({ fact: f.fact, path: f.path });
            }
          }}
        >
          <option value="today">{t('dateToday')}</option>
          <option value="fixed">{t('valueLiteral')}</option>
          {dates.map((d) => (
            <option key={fieldKey(d)} value={`f:${fieldKey(d)}`}>
              {text(d.title, lang)}
            </option>
          ))}
          {mode === 'fact' && sel !== 'today' && !dates.some((d) => `f:${fieldKey(d)}` === sel) && (
            <option value={sel}>{t('dateOtherField')}</option>
          )}
        </select>
        {sel === 'fixed' && (
          <input
            type="date"
            value={typeof v === 'string' ? v : ''}
            data-testid="cond-value"
            onChange={(e) => onChange(e.target.value)}
          />
        )}
      </span>
    );
  }
  const numeric = field.type === 'number' || field.type === 'count';
  return (
    <span className="gz-cond-value">
      {paramOptions.length > 0 && (
        <select
          value={mode === 'param' ? 'param' : 'literal'}
          data-testid="cond-value-mode"
          onChange={(e) =>
            onChange(e.target.value === 'param' ? { param: paramOptions[0].value } : defaultValue(field, leaf.operator))
          }
        >
          <option value="literal">{t('valueLiteral')}</option>
          <option value="param">{t('valueParam')}</option>
        </select>
      )}
      {mode === 'param' ? (
        <Select
          value={String((v as { param: string }).param)}
          options={paramOptions}
          testId="cond-value-param"
          onChange={(param) => onChange({ param })}
        />
      ) : numeric ? (
        <input
          type="number"
          value={typeof v === 'number' ? v : ''}
          data-testid="cond-value"
          onChange={(e) => onChange(e.target.value === '' ? 0 : Number(e.target.value))}
        />
      ) : (
        <input
          value={Array.isArray(v) ? v.join('、') : typeof v === 'string' ? v : ''}
          data-testid="cond-value"
          onChange={(e) =>
            onChange(
              leaf.operator === 'in' || leaf.operator === 'notIn'
                ? e.target.value
                    .split(/[,,、]/)
                    .map((x) => x.trim())
                    .filter(Boolean)
                : e.target.value,
            )
          }
        />
      )}
    </span>
  );
}
