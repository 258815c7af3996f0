/** The editor: the document on a command stack; run / undo / redo, and the keyboard shortcuts for them. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ProcedureDoc } from '../../../engine/browser';
import { commands as C } from '../model';

export interface Editor {
  state: C.EditorState;
  run(cmd: C.Command): C.CommandError | null;
  undo(): void;
  redo(): void;
  markSaved(doc?: ProcedureDoc): void;
  reset(doc: ProcedureDoc): void;
}

const typing = (el: EventTarget | null) => {
  const e = el as HTMLElement | null;
  return !!e && (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA' || e.tagName === 'SELECT' || e.isContentEditable);
};

export function useEditor(initial: ProcedureDoc, locks: C.Locks = C.noLocks()): Editor {
  const [state, setState] = useState(() => C.createEditor(initial));
  const check = useMemo(
    () =>
      C.lockCheck(locks, (kind, name) => {
        const d = ref.current.doc;
        const title =
          kind === 'rule' ? d.rules?.[name]?.description : kind === 'deadline' ? d.deadlines?.[name]?.title : undefined;
        return title ?? { 'zh-CN': name, en: name };
      }),
    [locks],
  );
  const ref = useRef(state);
  ref.current = state;
  const update = useCallback((next: C.EditorState) => {
    ref.current = next;
    setState(next);
  }, []);
  const run = useCallback(
    (cmd: C.Command): C.CommandError | null => {
      try {
        update(C.execute(ref.current, cmd, check));
        return null;
      } catch (e) {
        if (e instanceof C.CommandError) return e;
        return new C.CommandError({
          'zh-CN': `操作失败:${(e as Error).message}`,
          en: `Edit failed: ${(e as Error).message}`,
        });
      }
    },
    [update, check],
  );
  const undo = useCallback(() => update(C.undo(ref.current)), [update]);
  const redo = useCallback(() => update(C.redo(ref.current)), [update]);
  const markSaved = useCallback((doc?: ProcedureDoc) => update(C.markSaved(ref.current, doc)), [update]);
  const reset = useCallback((doc: ProcedureDoc) => update(C.createEditor(doc)), [update]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || typing(e.target)) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if (k === 'y' || (k === 'z' && e.shiftKey)) {
        e.preventDefault();
        redo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, redo]);

  return { state, run, undo, redo, markSaved, reset };
}
