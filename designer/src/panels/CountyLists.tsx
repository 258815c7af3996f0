/**
 * A county's list items in the county view: the pack data lists this procedure's rules read (a duty list), the base's
 * items and the county's own, and a form to add a local item — saved in the pack draft and published with it; the
 * county's data file then holds only its own items, laid over the base's (a new base item reaches it too). Each list
 * says which transitions it decides.
 */
import { useMemo, useState } from 'react';
import type { I18n } from '../../../engine/browser';
import type { ListItem, PackDetail } from '../api';
import { text } from '../model';
import { listUses } from '../model/uses';
import { useI18n } from '../i18n';
import { useWorkspace } from '../workspace/context';
import { Touches } from './CountyParameters';
import type { PackDraftState } from './usePackDraft';
import { Field, Section } from './widgets';

type Item = ListItem & { title?: I18n };
const isItemList = (v: unknown): v is Item[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === 'object' && typeof (x as Item).id === 'string');

export function CountyLists({ basePack, draft }: { basePack: PackDetail | null; draft: PackDraftState }) {
  const { doc } = useWorkspace();
  const { t, lang } = useI18n();
  const data = draft.currentData;
  const lists = useMemo(() => {
    const out: { file: string; field: string; title: string; base: Item[]; here: Item[] }[] = [];
    for (const [file, content] of Object.entries(basePack?.data ?? {})) {
      if (/^calendar-\d{4}$/.test(file) || !content || typeof content !== 'object') continue;
      if (!listUses(doc, file).rules.length) continue;
      for (const [field, v] of Object.entries(content as Record<string, unknown>)) {
        if (!isItemList(v)) continue;
        const here = (data[file] as Record<string, unknown> | undefined)?.[field];
        out.push({
          file,
          field,
          title: text((content as { title?: I18n }).title, lang) || file,
          base: v,
          here: isItemList(here) ? here : v,
        });
      }
    }
    return out;
  }, [basePack, data, doc, lang]);
  if (!lists.length) return null;
  return (
    <Section title={t('countyLists')} testId="county-lists">
      <p className="gz-muted">{t('countyListsHelp')}</p>
      {lists.map((l) => (
        <ListRow key={`${l.file}/${l.field}`} {...l} draft={draft} />
      ))}
    </Section>
  );
}

function ListRow({
  file,
  field,
  title,
  base,
  here,
  draft,
}: {
  file: string;
  field: string;
  title: string;
  base: Item[];
  here: Item[];
  draft: PackDraftState;
}) {
  const { doc } = useWorkspace();
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const [id, setId] = useState('');
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  const [sample, setSample] = useState(false);
  const baseIds = new Set(base.map((x) => x.id));
  const local = here.filter((x) => !baseIds.has(x.id));
  const pendingItems = draft.lists[file]?.[field] ?? [];
  const uses = useMemo(() => listUses(doc, file, field), [doc, file, field]);
  const taken = new Set([...here.map((x) => x.id), ...pendingItems.map((x) => x.id)]);
  const valid = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id) && !taken.has(id) && zh.trim() && en.trim();
  const add = () => {
    if (!valid) return;
    draft.setItem(file, field, {
      id,
      title: { 'zh-CN': zh.trim(), en: en.trim() },
      ...(sample ? { sample: true } : {}),
    });
    setId('');
    setZh('');
    setEn('');
    setOpen(false);
  };
  return (
    <div className="gz-county-list" data-testid="county-list-row" data-file={file} data-list={field}>
      <div>
        <strong>{t(`list_${field}` as never) !== `list_${field}` ? t(`list_${field}` as never) : field}</strong>{' '}
        <span className="gz-muted">({title})</span>
      </div>
      <div className="gz-muted">{t('listCounts', { base: base.length, local: local.length })}</div>
      <ul className="gz-plain-list">
        {local.map((x) => (
          <li key={x.id} data-testid="list-item-local" data-id={x.id}>
            {text(x.title, lang) || x.id}
          </li>
        ))}
        {pendingItems.map((x) => (
          <li key={x.id} data-testid="list-item-pending" data-id={x.id}>
            <ins>{text(x.title, lang) || x.id}</ins>
            <button
              type="button"
              className="gz-link"
              data-testid="list-item-drop"
              onClick={() => draft.dropItem(file, field, x.id)}
            >
              {t('delete')}
            </button>
          </li>
        ))}
      </ul>
      <div>
        <span className="gz-muted">{t('paramTouches')}:</span> <Touches doc={doc} uses={uses} />
      </div>
      {open ? (
        <div className="gz-list-form" data-testid="list-item-form">
          <Field label={t('listItemId')}>
            <input value={id} data-testid="list-item-id" onChange={(e) => setId(e.target.value.trim())} />
          </Field>
          <Field label={t('titleZh')}>
            <input value={zh} data-testid="list-item-zh" onChange={(e) => setZh(e.target.value)} />
          </Field>
          <Field label={t('titleEn')}>
            <input value={en} data-testid="list-item-en" onChange={(e) => setEn(e.target.value)} />
          </Field>
          <label className="gz-check">
            <input type="checkbox" checked={sample} onChange={(e) => setSample(e.target.checked)} />
            {t('listItemSample')}
          </label>
          {id && taken.has(id) && <div className="gz-error">{t('listItemTaken')}</div>}
          <div className="gz-row">
            <button type="button" className="gz-primary" data-testid="list-item-add" disabled={!valid} onClick={add}>
              {t('listItemAdd')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('cancel')}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" data-testid="list-item-new" onClick={() => setOpen(true)}>
          {t('listItemNew')}
        </button>
      )}
    </div>
  );
}
