/** One elk instance for the page, running in a web worker so layout stays off the main thread. */
import ElkApi from 'elkjs/lib/elk-api.js';
import type { ELK } from 'elkjs/lib/elk-api';
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
