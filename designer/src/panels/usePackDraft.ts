/**
 * A county's pack draft in the county view: its pending parameter values and list items, loaded from the server,
 * edited here, saved (whatever they are) and published like a procedure. One per county view, shared by the
 * parameters, lists and conflicts sections.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, type ListItem, type PackDetail } from '../api';
import { useI18n } from '../i18n';
import { useWorkspace } from '../workspace/context';

export type ParamEdit = { value: unknown } | null;
export type ListEdits = Record<string, Record<string, ListItem[]>>;

export interface PackDraftState {
  params: Record<string, ParamEdit>;
  lists: ListEdits;
  dirty: boolean;
  /** A saved draft not yet published. */
  pending: boolean;
  busy: boolean;
  /** The pack's parameters and data as last published (refreshed after a publish). */
  current: PackDetail['parameters'];
  currentData: NonNullable<PackDetail['data']>;
  setParam(name: string, edit: ParamEdit | undefined): void;
  setItem(file: string, list: string, item: ListItem): void;
  dropItem(file: string, list: string, id: string): void;
  save(): Promise<boolean>;
  publish(): Promise<{ procedure: string; version: number }[] | null>;
}

export function usePackDraft(): PackDraftState {
  const { api, pack, packId, notify } = useWorkspace();
  const { t, pick } = useI18n();
  const [current, setCurrent] = useState(pack.parameters ?? {});
  const [currentData, setCurrentData] = useState(pack.data ?? {});
  const [params, setParams] = useState<Record<string, ParamEdit>>({});
  const [lists, setLists] = useState<ListEdits>({});
  const [saved, setSaved] = useState<{ params: Record<string, ParamEdit>; lists: ListEdits }>({
    params: {},
    lists: {},
  });
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    void api.packDraft(packId).then(
      (d) => {
        if (!live || !d) return;
        const p = Object.fromEntries(
          Object.entries(d.parameters ?? {}).map(([k, v]) => [k, v ? { value: v.value } : null]),
        );
        setParams(p);
        setLists(d.data ?? {});
        setSaved({ params: p, lists: d.data ?? {} });
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, packId]);

  const error = useCallback(
    (e: unknown) =>
      notify(
        e instanceof ApiError ? `${pick(e.i18n)} ${e.problems.map((p) => pick(p.message)).join(';')}` : String(e),
        'error',
      ),
    [notify, pick],
  );
  const dirty = JSON.stringify({ params, lists }) !== JSON.stringify(saved);
  const pending = Object.keys(saved.params).length > 0 || Object.keys(saved.lists).length > 0;

  const save = async (): Promise<boolean> => {
    setBusy(true);
    try {
      await api.savePackDraft(packId, { parameters: params, data: lists });
      setSaved({ params, lists });
      notify(t('paramsSaved'));
      return true;
    } catch (e) {
      error(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const publish = async () => {
    if (dirty && !(await save())) return null;
    setBusy(true);
    try {
      const r = await api.publishPack(packId);
      const fresh = await api.pack(packId);
      setCurrent(fresh.parameters ?? {});
      setCurrentData(fresh.data ?? {});
      setParams({});
      setLists({});
      setSaved({ params: {}, lists: {} });
      notify(
        t('paramsPublished', {
          list:
            r.published
              .map((p) => `${pick(fresh.procedures?.[p.procedure]?.title) || p.procedure} v${p.version}`)
              .join('、') || '—',
        }),
      );
      return r.published;
    } catch (e) {
      error(e);
      return null;
    } finally {
      setBusy(false);
    }
  };

  return {
    params,
    lists,
    dirty,
    pending,
    busy,
    current,
    currentData,
    save,
    publish,
    setParam: (name, edit) =>
      setParams((p) => {
        const next = { ...p };
        if (edit === undefined) delete next[name];
        else next[name] = edit;
        return next;
      }),
    setItem: (file, list, item) =>
      setLists((l) => {
        const items = (l[file]?.[list] ?? []).filter((x) => x.id !== item.id);
        return { ...l, [file]: { ...(l[file] ?? {}), [list]: [...items, item] } };
      }),
    dropItem: (file, list, id) =>
      setLists((l) => {
        const items = (l[file]?.[list] ?? []).filter((x) => x.id !== id);
        const f = { ...(l[file] ?? {}), [list]: items };
        if (!items.length) delete f[list];
        const next = { ...l, [file]: f };
        if (!Object.keys(f).length) delete next[file];
        return next;
      }),
  };
}
