/** Language: Chinese first, English switch; `t(key, vars)` and `pick(i18nText)` for document texts. */
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { I18n } from '../../../engine/browser';
import { translate, type StringKey } from './strings';
import type { Lang } from '../model/doc';

export type { StringKey };

export interface I18nApi {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: StringKey, vars?: Record<string, string | number>): string;
  pick(v: I18n | string | undefined | null): string;
  /** The advanced view: identifiers (state keys, event and rule names, JSON paths) shown beside the titles. */
  ids: boolean;
  setIds(v: boolean): void;
}

export { translate };

const LangContext = createContext<I18nApi | null>(null);

const STORAGE_KEY = 'gongzhi.lang';
const IDS_KEY = 'gongzhi.ids';

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN'));
  const [ids, setIdsState] = useState(() => localStorage.getItem(IDS_KEY) === '1');
  const api = useMemo<I18nApi>(
    () => ({
      ids,
      setIds(v) {
        localStorage.setItem(IDS_KEY, v ? '1' : '0');
        setIdsState(v);
      },
      lang,
      setLang(l) {
        localStorage.setItem(STORAGE_KEY, l);
        document.documentElement.lang = l;
        setLangState(l);
      },
      t: (key, vars) => translate(lang, key, vars),
      pick: (v) => (v == null ? '' : typeof v === 'string' ? v : v[lang] || v['zh-CN'] || v.en || ''),
    }),
    [lang, ids],
  );
  return <LangContext.Provider value={api}>{children}</LangContext.Provider>;
}

export function useI18n(): I18nApi {
  const ctx = useContext(LangContext);
  if (!ctx) throw new Error('useI18n outside LangProvider');
  return ctx;
}
