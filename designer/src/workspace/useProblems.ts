/**
 * Live validation with the engine's validateProcedure — the same code the server runs — in a web worker,
 * debounced after edits, so checking a large procedure never blocks the page. Falls back to the main
 * thread where workers are unavailable.
 */
import { useEffect, useRef, useState } from 'react';
import type { PackParameter, ProblemDetail, ProcedureDoc } from '../../../engine/browser';

type Check = (doc: ProcedureDoc, parameters: Record<string, PackParameter>) => Promise<ProblemDetail[]>;

let checker: Check | null = null;

function getChecker(): Check {
  if (checker) return checker;
  try {
    const worker = new Worker(new URL('./validate.worker.ts', import.meta.url), { type: 'module' });
    const waiting = new Map<number, (p: ProblemDetail[]) => void>();
    let next = 0;
    worker.onmessage = (e: MessageEvent<{ id: number; problems: ProblemDetail[] }>) => {
      waiting.get(e.data.id)?.(e.data.problems);
      waiting.delete(e.data.id);
    };
    checker = (doc, parameters) =>
      new Promise((resolve) => {
        const id = ++next;
        waiting.set(id, resolve);
        worker.postMessage({ id, doc, parameters });
      });
  } catch {
    checker = async (doc, parameters) =>
      (await import('../../../engine/browser-rules')).validateProcedure(doc, { parameters });
  }
  return checker;
}

export function useProblems(
  doc: ProcedureDoc,
  parameters: Record<string, PackParameter>,
  delay = 150,
): ProblemDetail[] {
  const [problems, setProblems] = useState<ProblemDetail[]>([]);
  // Whether the first check is still to come (it runs at once; later ones wait for edits to pause). A ref, and
  // "still none" keeps the same empty list: neither redraws the workspace when a valid procedure opens.
  const first = useRef(true);
  useEffect(() => {
    let live = true;
    const id = setTimeout(
      () => {
        void getChecker()(doc, parameters).then((found) => {
          if (!live) return;
          if (first.current) performance.mark('gz:problems');
          first.current = false;
          setProblems((had) => (had.length === 0 && found.length === 0 ? had : found));
        });
      },
      first.current ? 0 : delay,
    );
    return () => {
      live = false;
      clearTimeout(id);
    };
  }, [doc, parameters, delay]);
  return problems;
}
