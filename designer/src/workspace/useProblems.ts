/**
 * Live validation with the engine's validateProcedure (the server runs the same), debounced off the
 * typing path. The validator (ajv and the compiled schema) is loaded after the chart is on screen.
 */
import { useEffect, useState } from 'react';
import type { PackParameter, ProblemDetail, ProcedureDoc } from '../../../engine/types';

type Validate = typeof import('../../../engine/validate').validateProcedure;
let validator: Promise<Validate> | null = null;
const loadValidator = () => (validator ??= import('../../../engine/validate').then((m) => m.validateProcedure));

export function useProblems(doc: ProcedureDoc, parameters: Record<string, PackParameter>, delay = 200): ProblemDetail[] {
  const [problems, setProblems] = useState<ProblemDetail[]>([]);
  const [first, setFirst] = useState(true);
  useEffect(() => {
    let live = true;
    const check = () => {
      void loadValidator().then((validate) => {
        if (!live) return;
        setProblems(validate(doc, { parameters }));
        setFirst(false);
      });
    };
    // The first check waits until the page is idle (the chart comes first); later ones follow the edits.
    if (first && typeof requestIdleCallback === 'function') {
      const id = requestIdleCallback(check, { timeout: 1000 });
      return () => {
        live = false;
        cancelIdleCallback(id);
      };
    }
    const id = setTimeout(check, first ? 0 : delay);
    return () => {
      live = false;
      clearTimeout(id);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [doc, parameters, delay]);
  return problems;
}
