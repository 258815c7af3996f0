/** The rule form's condition tree: groups (all / any / not) holding conditions (fact, path, operator, value). */
import { conditions as K, text } from '../../model';
import { useI18n, type StringKey } from '../../i18n';
import { useWorkspace } from '../../workspace/context';
import { Select } from '../widgets';

type Cond = K.Cond;

export function ConditionTree({ value, onChange }: { value: Cond; onChange(c: Cond): void }) {
  return <Node root={value} at={[]} onChange={onChange} />;
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
        <Select value={kind} testId="cond-group-kind" options={[{ value: 'all', label: t('all') }, { value: 'any', label: t('any') }, { value: 'not', label: t('not') }]}
          onChange={(k) => onChange(K.updateAt(root, at, (g) => K.setGroupKind(g, k as 'all' | 'any' | 'not')))} />
        {kind !== 'not' && (
          <>
            <button type="button" data-testid="cond-add-leaf" onClick={() => onChange(K.appendAt(root, at, K.newLeaf()))}>{t('addCondition')}</button>
            <button type="button" data-testid="cond-add-group" onClick={() => onChange(K.appendAt(root, at, { any: [K.newLeaf()] }))}>{t('addGroup')}</button>
          </>
        )}
        {at.length > 0 && <button type="button" className="gz-link" onClick={() => onChange(K.removeAt(root, at))}>{t('remove')}</button>}
      </div>
      <div className="gz-cond-children">
        {kids.map((_, i) => <Node key={i} root={root} at={[...at, i]} onChange={onChange} />)}
      </div>
    </div>
  );
}

const needsPath = (fact: string) => ['data', 'event', 'params', 'packData'].includes(fact);

function LeafRow({ root, at, leaf, onChange }: { root: Cond; at: K.Address; leaf: K.Leaf; onChange(c: Cond): void }) {
  const { t } = useI18n();
  const set = (patch: Partial<K.Leaf>) => onChange(K.updateAt(root, at, (c) => {
    const next = { ...(c as K.Leaf), ...patch };
    if (K.UNARY.has(next.operator)) delete next.value;
    return next;
  }));
  const factOptions = K.FACTS.map((f) => ({ value: f, label: `${t(`fact_${f}` as StringKey)} (${f})` }));
  const opOptions = K.OPERATORS.map((o) => ({ value: o, label: o }));
  return (
    <div className="gz-cond-leaf" data-testid="cond-leaf">
      <Select value={leaf.fact} options={factOptions} testId="cond-fact" onChange={(fact) => set({ fact, ...(needsPath(fact) ? {} : { path: undefined }) })} />
      {needsPath(leaf.fact) && (
        <input className="gz-path" value={leaf.path ?? ''} placeholder="$.field" data-testid="cond-path"
          onChange={(e) => set({ path: e.target.value })} />
      )}
      <Select value={leaf.operator} options={opOptions} testId="cond-operator" onChange={(operator) => set({ operator })} />
      {!K.UNARY.has(leaf.operator) && <ValueInput value={leaf.value} onChange={(value) => set({ value })} />}
      {leaf.params && <ParamsInput value={leaf.params} onChange={(params) => set({ params })} />}
      <button type="button" className="gz-link" onClick={() => onChange(K.removeAt(root, at))}>{t('remove')}</button>
    </div>
  );
}

function ParamsInput({ value, onChange }: { value: Record<string, unknown>; onChange(v: Record<string, unknown>): void }) {
  const { t } = useI18n();
  return (
    <input className="gz-json-inline" title={t('factParams')} defaultValue={JSON.stringify(value)}
      onBlur={(e) => { try { onChange(JSON.parse(e.target.value)); } catch { /* keep the old value */ } }} />
  );
}

function ValueInput({ value, onChange }: { value: unknown; onChange(v: unknown): void }) {
  const { parameters } = useWorkspace();
  const { t, lang } = useI18n();
  const mode = K.valueMode(value);
  const modeOptions = [{ value: 'literal', label: t('valueLiteral') }, { value: 'param', label: t('valueParam') }, { value: 'fact', label: t('valueFact') }];
  const paramOptions = Object.entries(parameters).map(([k, p]) => ({ value: k, label: `${text(p.title, lang) || k} = ${JSON.stringify(p.value)}` }));
  const v = value as Record<string, unknown>;
  return (
    <span className="gz-cond-value">
      <Select value={mode} options={modeOptions} testId="cond-value-mode" onChange={(m) => {
        if (m === 'param') onChange({ param: paramOptions[0]?.value ?? '' });
        else if (m === 'fact') onChange({ fact: 'today' });
        else onChange('');
      }} />
      {mode === 'literal' && (
        <input value={K.formatLiteral(value)} data-testid="cond-value" onChange={(e) => onChange(K.parseLiteral(e.target.value))} />
      )}
      {mode === 'param' && (
        <Select value={String(v.param)} options={paramOptions} testId="cond-value-param" onChange={(param) => onChange({ param })} />
      )}
      {mode === 'fact' && (
        <>
          <Select value={String(v.fact)} options={K.FACTS.map((f) => ({ value: f, label: `${t(`fact_${f}` as StringKey)} (${f})` }))}
            onChange={(fact) => onChange({ ...v, fact })} />
          {needsPath(String(v.fact)) && <input className="gz-path" value={String(v.path ?? '')} placeholder="$.field" onChange={(e) => onChange({ ...v, path: e.target.value || undefined })} />}
          {v.params !== undefined && <ParamsInput value={v.params as Record<string, unknown>} onChange={(params) => onChange({ ...v, params })} />}
        </>
      )}
    </span>
  );
}
