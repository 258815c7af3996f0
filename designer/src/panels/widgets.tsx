/** Small form widgets: text committed on blur/Enter (one command per edit, not per keystroke), pickers, sections. */
import { useEffect, useState, type ReactNode } from 'react';
import type { I18n } from '../../../engine/browser';
import { useI18n } from '../i18n';

export function Section({
  title,
  children,
  actions,
  testId,
}: {
  title: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  testId?: string;
}) {
  return (
    <section className="gz-section" data-testid={testId}>
      <header>
        <h3>{title}</h3>
        {actions && <div className="gz-section-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

export function Field({ label, children, hint }: { label: ReactNode; children: ReactNode; hint?: ReactNode }) {
  return (
    <label className="gz-field">
      <span className="gz-field-label">{label}</span>
      {children}
      {hint && <span className="gz-hint">{hint}</span>}
    </label>
  );
}

/** A text input that reports its value when the user leaves it or presses Enter. */
export function CommitInput({
  value,
  onCommit,
  testId,
  placeholder,
  multiline,
}: {
  value: string;
  onCommit(v: string): void;
  testId?: string;
  placeholder?: string;
  multiline?: boolean;
}) {
  const [v, setV] = useState(value);
  useEffect(() => setV(value), [value]);
  const commit = () => {
    if (v !== value) onCommit(v);
  };
  if (multiline) {
    return (
      <textarea
        value={v}
        data-testid={testId}
        placeholder={placeholder}
        rows={2}
        onChange={(e) => setV(e.target.value)}
        onBlur={commit}
      />
    );
  }
  return (
    <input
      value={v}
      data-testid={testId}
      placeholder={placeholder}
      onChange={(e) => setV(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
        if (e.key === 'Escape') setV(value);
      }}
    />
  );
}

/** Chinese and English title side by side, committed together. */
export function TitleInputs({
  value,
  onCommit,
  testId,
}: {
  value: I18n | undefined;
  onCommit(v: I18n): void;
  testId?: string;
}) {
  const { t } = useI18n();
  const cur = value ?? { 'zh-CN': '', en: '' };
  return (
    <div className="gz-title-inputs">
      <Field label={t('titleZh')}>
        <CommitInput
          value={cur['zh-CN']}
          testId={testId ? `${testId}-zh` : undefined}
          onCommit={(zh) => onCommit({ ...cur, 'zh-CN': zh })}
        />
      </Field>
      <Field label={t('titleEn')}>
        <CommitInput
          value={cur.en}
          testId={testId ? `${testId}-en` : undefined}
          onCommit={(en) => onCommit({ ...cur, en })}
        />
      </Field>
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function Select({
  value,
  options,
  onChange,
  testId,
  placeholder,
}: {
  value: string;
  options: Option[];
  onChange(v: string): void;
  testId?: string;
  placeholder?: string;
}) {
  return (
    <select value={value} data-testid={testId} onChange={(e) => onChange(e.target.value)}>
      {placeholder !== undefined && <option value="">{placeholder}</option>}
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

export function CheckList({
  options,
  value,
  onChange,
  testId,
}: {
  options: Option[];
  value: string[];
  onChange(v: string[]): void;
  testId?: string;
}) {
  return (
    <div className="gz-checklist" data-testid={testId}>
      {options.map((o) => (
        <label key={o.value} className="gz-check">
          <input
            type="checkbox"
            checked={value.includes(o.value)}
            data-value={o.value}
            onChange={(e) => onChange(e.target.checked ? [...value, o.value] : value.filter((x) => x !== o.value))}
          />
          {o.label}
        </label>
      ))}
    </div>
  );
}

export function LinkButton({ onClick, children, testId }: { onClick(): void; children: ReactNode; testId?: string }) {
  return (
    <button type="button" className="gz-link" data-testid={testId} onClick={onClick}>
      {children}
    </button>
  );
}

/** A fresh identifier from a title: keeps ASCII letters/digits, else falls back to base + n. */
export function identifierFrom(title: string, base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const ascii = title
    .replace(/[^A-Za-z0-9 ]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
  const start = /^[A-Za-z]/.test(ascii) ? ascii : base;
  if (!used.has(start) && start !== base) return start;
  for (let i = 1; ; i++) if (!used.has(`${start}${i}`)) return `${start}${i}`;
}
