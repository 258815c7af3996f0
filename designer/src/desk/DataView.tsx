/**
 * A case's data (or an event's payload) read as a form: each field by its title, choices by their titles, yes/no,
 * lists of rows as small tables, nested objects as indented fields — never raw JSON. Fields the schema does not
 * describe are shown by name after the described ones.
 */
import './desk.css';
import type { JSONSchema } from '../../../engine/browser';
import { enumTitle, splitTitle, text } from '../model';
import { useI18n } from '../i18n';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export function DataView({
  schema,
  value,
  testId,
}: {
  schema: JSONSchema | undefined;
  value: unknown;
  testId?: string;
}) {
  const props = obj(obj(schema).properties);
  const data = obj(value);
  const keys = [...Object.keys(props).filter((k) => k in data), ...Object.keys(data).filter((k) => !(k in props))];
  return (
    <dl className="gz-dataview" data-testid={testId}>
      {keys.map((k) => (
        <Field key={k} name={k} schema={obj(props[k])} value={data[k]} />
      ))}
    </dl>
  );
}

function Field({ name, schema, value }: { name: string; schema: Obj; value: unknown }) {
  const { lang, ids } = useI18n();
  return (
    <div className="gz-dataview-field" data-testid="data-field" data-field={name}>
      <dt>
        {text(splitTitle(schema.title, name), lang)}
        {ids && <span className="gz-muted"> ({name})</span>}
      </dt>
      <dd>
        <Value schema={schema} value={value} />
      </dd>
    </div>
  );
}

function Value({ schema, value }: { schema: Obj; value: unknown }) {
  const { t, lang } = useI18n();
  if (value === null || value === undefined || value === '') return <span className="gz-muted">—</span>;
  if (typeof value === 'boolean') return <>{t(value ? 'yes' : 'no')}</>;
  if (typeof value === 'string') return <>{enumTitle(schema, value, lang)}</>;
  if (typeof value === 'number') return <>{value.toLocaleString(lang)}</>;
  if (Array.isArray(value)) {
    const items = obj(schema.items);
    const rowsAreObjects = value.every((v) => v && typeof v === 'object' && !Array.isArray(v));
    if (!rowsAreObjects)
      return (
        <>
          {value.map((v, i) => (
            <span key={i}>
              {i > 0 ? '、' : ''}
              <Value schema={items} value={v} />
            </span>
          ))}
        </>
      );
    const props = obj(items.properties);
    const cols = [...new Set([...Object.keys(props), ...value.flatMap((v) => Object.keys(obj(v)))])];
    return (
      <table className="gz-table gz-dataview-rows">
        <thead>
          <tr>
            {cols.map((c) => (
              <th key={c}>{text(splitTitle(obj(props[c]).title, c), lang)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {value.map((row, i) => (
            <tr key={i}>
              {cols.map((c) => (
                <td key={c}>
                  <Value schema={obj(props[c])} value={obj(row)[c]} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return <DataView schema={schema} value={value} />;
}

/** Whether a payload has anything to show. */
export const hasFields = (v: unknown): boolean => !!v && typeof v === 'object' && Object.keys(v as object).length > 0;
