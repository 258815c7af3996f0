/**
 * One elk instance for the page, running in a web worker so layout stays off the main thread. The
 * worker is started (and warmed with a tiny layout) as soon as the page loads, while data is fetched.
 */
import ElkApi from 'elkjs/lib/elk-api.js';
import type { ELK, ElkNode } from 'elkjs/lib/elk-api';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';

let instance: Promise<ELK> | null = null;

export function getElk(): Promise<ELK> {
  if (!instance) {
    instance = (async () => {
      try {
        return new ElkApi({ workerUrl }) as ELK;
      } catch {
        const { default: Bundled } = await import('elkjs/lib/elk.bundled.js');
        return new Bundled() as ELK;
      }
    })();
  }
  return instance;
}

const WARM: ElkNode = {
  id: 'warm',
  layoutOptions: { 'elk.algorithm': 'layered', 'elk.hierarchyHandling': 'INCLUDE_CHILDREN' },
  children: [
    { id: 'a', width: 10, height: 10 },
    { id: 'g', children: [{ id: 'b', width: 10, height: 10 }] },
  ],
  edges: [{ id: 'e', sources: ['a'], targets: ['b'] }],
};

/** Starts the worker and runs a tiny layout so the real one finds it loaded. */
export function warmElk(): void {
  void getElk()
    .then((elk) => elk.layout(structuredClone(WARM)))
    .catch(() => {});
}
