/** The address names the screen: `/?pack=national&proc=dispute-mediation`, or `/?instance=<id>`. */
export interface Route {
  pack?: string;
  proc?: string;
  instance?: string;
}

export function readRoute(): Route {
  const q = new URLSearchParams(window.location.search);
  const r: Route = {};
  for (const k of ['pack', 'proc', 'instance'] as const) {
    const v = q.get(k);
    if (v) r[k] = v;
  }
  return r;
}

export function navigate(r: Route): void {
  const q = new URLSearchParams();
  if (r.instance) q.set('instance', r.instance);
  else {
    if (r.pack) q.set('pack', r.pack);
    if (r.proc) q.set('proc', r.proc);
  }
  const s = q.toString();
  window.history.pushState(null, '', `/${s ? `?${s}` : ''}`);
}
