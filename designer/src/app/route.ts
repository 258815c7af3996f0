/**
 * The address names the screen: `/?pack=national&proc=dispute-mediation` (design a procedure), `/?instance=<id>`
 * (a running case; `&print=1` its printable history), `/?view=cases&…` and `/?view=figures&…` (the supervision
 * desk, its filters in the address).
 */
export type DeskView = 'cases' | 'figures';

export interface Route {
  pack?: string;
  proc?: string;
  instance?: string;
  print?: boolean;
  view?: DeskView;
  /** The desk's filters, as address parameters. */
  params?: string;
}

export function readRoute(): Route {
  const q = new URLSearchParams(window.location.search);
  const view = q.get('view');
  if (view === 'cases' || view === 'figures') {
    q.delete('view');
    return { view, params: q.toString() };
  }
  const r: Route = {};
  for (const k of ['pack', 'proc', 'instance'] as const) {
    const v = q.get(k);
    if (v) r[k] = v;
  }
  if (r.instance && q.get('print') === '1') r.print = true;
  return r;
}

export function routeHref(r: Route): string {
  const q = new URLSearchParams();
  if (r.view) {
    q.set('view', r.view);
    for (const [k, v] of new URLSearchParams(r.params ?? '')) q.append(k, v);
  } else if (r.instance) {
    q.set('instance', r.instance);
    if (r.print) q.set('print', '1');
  } else {
    if (r.pack) q.set('pack', r.pack);
    if (r.proc) q.set('proc', r.proc);
  }
  const s = q.toString();
  return `/${s ? `?${s}` : ''}`;
}

export function navigate(r: Route, replace = false): void {
  if (replace) window.history.replaceState(null, '', routeHref(r));
  else window.history.pushState(null, '', routeHref(r));
}
