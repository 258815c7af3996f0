/** Language: Chinese first, English switch; `t(key, vars)` and `pick(i18nText)` for document texts. */
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { I18n } from '../../../engine/types';
import { translate, type StringKey } from './strings';
import type { Lang } from '../model/doc';

export type { StringKey };

export interface I18nApi {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: StringKey, vars?: Record<string, string | number>): string;
  pick(v: I18n | string | undefined | null): string;
}

export { translate };

const LangContext = createContext<I18nApi | null>(null);

const STORAGE_KEY = 'gongzhi.lang';

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN'));
  const api = useMemo<I18nApi>(() => ({
    lang,
    setLang(l) {
      localStorage.setItem(STORAGE_KEY, l);
      document.documentElement.lang = l;
      setLangState(l);
    },
    t: (key, vars) => translate(lang, key, vars),
    pick: (v) => (v == null ? '' : typeof v === 'string' ? v : v[lang] || v['zh-CN'] || v.en || ''),
  }), [lang]);
  return <LangContext.Provider value={api}>{children}</LangContext.Provider>;
}

export function useI18n(): I18nApi {
  const ctx = useContext(LangContext);
  if (!ctx) throw new Error('useI18n outside LangProvider');
  return ctx;
}
