/// <reference lib="webworker" />
/** Runs the engine's validateProcedure (the server's own check) off the main thread. */
import { validateProcedure } from '../../../engine/validate';
import type { PackParameter, ProcedureDoc } from '../../../engine/types';

interface Request {
  id: number;
  doc: ProcedureDoc;
  parameters: Record<string, PackParameter>;
}

self.onmessage = (e: MessageEvent<Request>) => {
  const { id, doc, parameters } = e.data;
  (self as unknown as Worker).postMessage({ id, problems: validateProcedure(doc, { parameters }) });
};
