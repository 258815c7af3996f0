/**
 * A form generated from a JSON Schema object (start data, event payloads): text, numbers, yes/no,
 * dates, choices, lists and small tables — with a JSON switch for experts.
 */
import { useState } from 'react';
import type { JSONSchema } from '../../../engine/browser';
import { fieldsOf, formatFieldValue, parseFieldValue, splitTitle, text, type FieldSpec } from '../model';
import { useI18n } from '../i18n';

type Data = Record<string, unknown>;

export function DataForm({
  schema,
  value,
  onChange,
  testId,
}: {
  schema: JSONSchema | undefined;
  value: Data;
  onChange(v: Data): void;
  testId: string;
}) {
  const { t } = useI18n();
  const [asJson, setAsJson] = useState(false);
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState('');
  const fields = fieldsOf(schema);
  return (
    <div className="gz-dataform" data-testid={testId}>
      <button
        type="button"
        className="gz-link"
        data-testid={`${testId}-json-toggle`}
        onClick={() => {
          if (!asJson) setJson(JSON.stringify(value, null, 2));
          setAsJson(!asJson);
        }}
      >
        {asJson ? t('editAsForm') : t('editAsJson')}
      </button>
      {asJson ? (
        <>
          <textarea
            className="gz-json"
            rows={8}
            value={json}
            data-testid={`${testId}-json`}
            onChange={(e) => {
              setJson(e.target.value);
              try {
                onChange(JSON.parse(e.target.value));
                setJsonError('');
              } catch (err) {
                setJsonError((err as Error).message);
              }
            }}
          />
          {jsonError && <div className="gz-error">{jsonError}</div>}
        </>
      ) : (
        fields.map((f) => (
          <FieldInput
            key={f.name}
            field={f}
            value={value[f.name]}
            testId={`${testId}-${f.name}`}
            onChange={(v) => {
              const next = { ...value };
              if (v === undefined) delete next[f.name];
              else next[f.name] = v;
              onChange(next);
            }}
          />
        ))
      )}
    </div>
  );
}

function FieldInput({
  field,
  value,
  onChange,
  testId,
}: {
  field: FieldSpec;
  value: unknown;
  onChange(v: unknown): void;
  testId: string;
}) {
  const { t } = useI18n();
  const { lang, ids } = useI18n();
  const label = (
    <span className="gz-field-label">
      {text(splitTitle(field.title, field.name), lang)}
      {field.required ? ' *' : ''}
      {ids && <span className="gz-muted"> {field.name}</span>}
    </span>
  );
  let input;
  switch (field.kind) {
    case 'boolean':
      input = (
        <select
          value={value === undefined ? '' : String(value)}
          data-testid={testId}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'true')}
        >
          <option value="" />
          <option value="true">{t('yes')}</option>
          <option value="false">{t('no')}</option>
        </select>
      );
      break;
    case 'enum':
      input = (
        <select
          value={value === undefined ? '' : String(value)}
          data-testid={testId}
          onChange={(e) => onChange(e.target.value || undefined)}
        >
          <option value="" />
          {(field.choices ?? []).map((c) => (
            <option key={c} value={c}>
              {field.choiceTitles?.[c] ? text(field.choiceTitles[c], lang) : c}
            </option>
          ))}
        </select>
      );
      break;
    case 'date':
      input = (
        <input
          type="date"
          value={typeof value === 'string' ? value : ''}
          data-testid={testId}
          onChange={(e) => onChange(e.target.value || undefined)}
        />
      );
      break;
    case 'number':
    case 'integer':
      input = (
        <input
          type="number"
          value={value === undefined ? '' : String(value)}
          data-testid={testId}
          onChange={(e) => onChange(parseFieldValue(field, e.target.value))}
        />
      );
      break;
    case 'text':
      input = (
        <textarea
          rows={2}
          value={typeof value === 'string' ? value : ''}
          data-testid={testId}
          onChange={(e) => onChange(e.target.value || undefined)}
        />
      );
      break;
    case 'objectList':
      return (
        <div className="gz-field">
          {label}
          <RowsInput
            field={field}
            value={Array.isArray(value) ? (value as Data[]) : []}
            onChange={onChange}
            testId={testId}
          />
        </div>
      );
    default:
      input = <TextInput field={field} value={value} onChange={onChange} testId={testId} />;
  }
  return (
    <label className="gz-field">
      {label}
      {input}
    </label>
  );
}

function TextInput({
  field,
  value,
  onChange,
  testId,
}: {
  field: FieldSpec;
  value: unknown;
  onChange(v: unknown): void;
  testId: string;
}) {
  const [raw, setRaw] = useState(formatFieldValue(field, value));
  return (
    <input
      value={raw}
      data-testid={testId}
      onChange={(e) => {
        setRaw(e.target.value);
        onChange(parseFieldValue(field, e.target.value));
      }}
    />
  );
}

function RowsInput({
  field,
  value,
  onChange,
  testId,
}: {
  field: FieldSpec;
  value: Data[];
  onChange(v: unknown): void;
  testId: string;
}) {
  const { t, lang } = useI18n();
  const items = field.items ?? [];
  const setCell = (i: number, name: string, v: unknown) => {
    const rows = value.map((r) => ({ ...r }));
    if (v === undefined) delete rows[i][name];
    else rows[i][name] = v;
    onChange(rows);
  };
  return (
    <div className="gz-rows" data-testid={testId}>
      <table className="gz-table">
        <thead>
          <tr>
            {items.map((c) => (
              <th key={c.name}>{text(splitTitle(c.title, c.name), lang)}</th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {value.map((row, i) => (
            <tr key={i}>
              {items.map((c) => (
                <td key={c.name}>
                  <input
                    value={formatFieldValue(c, row[c.name])}
                    data-testid={`${testId}-${i}-${c.name}`}
                    onChange={(e) => setCell(i, c.name, parseFieldValue(c, e.target.value))}
                  />
                </td>
              ))}
              <td>
                <button type="button" className="gz-link" onClick={() => onChange(value.filter((_, j) => j !== i))}>
                  {t('remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" data-testid={`${testId}-add`} onClick={() => onChange([...value, {}])}>
        {t('addRow')}
      </button>
    </div>
  );
}
