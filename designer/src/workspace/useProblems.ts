/** Live validation with the engine's validateProcedure (the server runs the same), debounced off the typing path. */
import { useEffect, useState } from 'react';
import type { PackParameter, ProblemDetail, ProcedureDoc } from '../../../engine/types';
import { validateProcedure } from '../../../engine/validate';

export function useProblems(doc: ProcedureDoc, parameters: Record<string, PackParameter>, delay = 200): ProblemDetail[] {
  const [problems, setProblems] = useState<ProblemDetail[]>([]);
  const [first, setFirst] = useState(true);
  useEffect(() => {
    const id = setTimeout(() => {
      setProblems(validateProcedure(doc, { parameters }));
      setFirst(false);
    }, first ? 0 : delay);
    return () => clearTimeout(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [doc, parameters, delay]);
  return problems;
}
