/**
 * A fast first layout, computed on the main thread in a few milliseconds, so a large chart is on screen
 * and usable at once while elk (in its worker) computes the real one. Per container (the machine, each
 * compound state): children in layers by distance from the initial child along transitions between
 * them, groups sized to hold their own children. No edge routes: edges are drawn as curves meanwhile.
 */
import type { ChartModel, ChartNode } from './graph';
import { GROUP_PADDING, type Positions } from './layout';

const GAP_X = 50;
const GAP_Y = 80;

/** The child of `container` that holds `path` (or null when `path` is not inside it). */
function childOf(container: string | null, path: string): string | null {
  const prefix = container === null ? '' : `${container}.`;
  if (container !== null && !path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length);
  if (!rest) return null;
  const i = rest.indexOf('.');
  return prefix + (i < 0 ? rest : rest.slice(0, i));
}

export function quickLayout(model: ChartModel): Positions {
  const out: Positions = {};
  const children = new Map<string | null, ChartNode[]>();
  for (const n of model.nodes) children.set(n.parent, [...(children.get(n.parent) ?? []), n]);

  const place = (container: string | null): { width: number; height: number } => {
    const kids = children.get(container) ?? [];
    for (const k of kids)
      if (k.kind === 'compound') {
        const size = place(k.id);
        out[k.id] = { x: 0, y: 0, width: size.width, height: size.height };
      } else out[k.id] = { x: 0, y: 0, width: k.width, height: k.height };

    // Edges projected onto this container's children.
    const next = new Map<string, string[]>();
    for (const e of model.edges) {
      const a = childOf(container, e.source);
      const b = childOf(container, e.target);
      if (a && b && a !== b) next.set(a, [...(next.get(a) ?? []), b]);
    }
    const layer = new Map<string, number>();
    const start = kids.find((k) => k.initial) ?? kids[0];
    const queue: string[] = [];
    if (start) {
      layer.set(start.id, 0);
      queue.push(start.id);
    }
    while (queue.length) {
      const id = queue.shift()!;
      for (const t of next.get(id) ?? [])
        if (!layer.has(t)) {
          layer.set(t, layer.get(id)! + 1);
          queue.push(t);
        }
    }
    let last = Math.max(-1, ...layer.values());
    for (const k of kids) if (!layer.has(k.id)) layer.set(k.id, ++last);

    const rows: string[][] = [];
    for (const k of kids) (rows[layer.get(k.id)!] ??= []).push(k.id);
    const top = container === null ? 0 : GROUP_PADDING.top;
    const left = container === null ? 0 : GROUP_PADDING.left;
    const widths = rows.map(
      (r) => (r ?? []).reduce((s, id) => s + out[id].width, 0) + GAP_X * Math.max(0, (r ?? []).length - 1),
    );
    const maxWidth = Math.max(0, ...widths);
    let y = top;
    rows.forEach((row, i) => {
      if (!row) return;
      let x = left + (maxWidth - widths[i]) / 2;
      let h = 0;
      for (const id of row) {
        out[id].x = Math.round(x);
        out[id].y = Math.round(y);
        x += out[id].width + GAP_X;
        h = Math.max(h, out[id].height);
      }
      y += h + GAP_Y;
    });
    return {
      width: Math.max(220, maxWidth + left + (container === null ? 0 : GROUP_PADDING.right)),
      height: Math.max(120, y - GAP_Y + (container === null ? 0 : GROUP_PADDING.bottom)),
    };
  };
  place(null);
  return out;
}
