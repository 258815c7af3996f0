/** Runs the engine's validateProcedure (the server's own check) off the main thread. */
import { validateProcedure } from '../../../engine/browser-rules';
import type { PackParameter, ProcedureDoc } from '../../../engine/browser';

interface Request {
  id: number;
  doc: ProcedureDoc;
  parameters: Record<string, PackParameter>;
}

// The worker's global scope, typed here rather than through the webworker lib (which would apply to the whole program).
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (e) => {
  const { id, doc, parameters } = e.data;
  scope.postMessage({ id, problems: validateProcedure(doc, { parameters }) });
};
