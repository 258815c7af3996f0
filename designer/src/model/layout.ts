/**
 * Automatic layout with elkjs (layered, hierarchy-aware: compound states contain their children),
 * then the positions the user chose (`doc.layout.nodes`) win. Positions are relative to the parent
 * state, as React Flow expects for child nodes. The ELK instance is passed in: a web worker in the
 * browser, the bundled build in tests.
 */
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { ProcedureDoc } from '../../../engine/browser';
import type { ChartModel } from './graph';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Positions = Record<string, Box>;

export interface Point {
  x: number;
  y: number;
}

/** An edge as routed by elk, in absolute chart coordinates; `label` is the box elk reserved for the label. */
export interface Route {
  points: Point[];
  label?: Box;
}

export interface AutoLayout {
  positions: Positions;
  routes: Record<string, Route>;
  /** `source>target` each route was computed for (an edge id can come to name another transition after an edit). */
  ends?: Record<string, string>;
}

export type LabelSize = (edgeId: string) => { width: number; height: number } | undefined;

export const GROUP_PADDING = { top: 44, left: 20, bottom: 20, right: 20 };

const ROOT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '70',
  'elk.spacing.nodeNode': '50',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // Loops (back to mediation, reconvene) are broken greedily with ties decided by the document's state order, not
  // by elk's random seed: adding an unrelated transition must not flip the chart upside down.
  'elk.layered.cycleBreaking.strategy': 'GREEDY_MODEL_ORDER',
  'elk.spacing.edgeNode': '24',
  'elk.spacing.edgeEdge': '14',
  'elk.spacing.edgeLabel': '4',
  'elk.layered.spacing.edgeNodeBetweenLayers': '24',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '12',
  'elk.edgeRouting': 'ORTHOGONAL',
  // labels sit on their edge, not beside it
  'elk.edgeLabels.inline': 'true',
  'elk.json.edgeCoords': 'ROOT',
};

const isAncestor = (a: string, b: string) => b.startsWith(a + '.');

/** Big charts trade a little polish for time. */
const BIG_OPTIONS: Record<string, string> = {
  'elk.layered.thoroughness': '2',
  'elk.layered.considerModelOrder.strategy': 'NONE',
};

export function toElkGraph(model: ChartModel, labelSize?: LabelSize): ElkNode {
  const options = model.nodes.length > 80 ? { ...ROOT_OPTIONS, ...BIG_OPTIONS } : ROOT_OPTIONS;
  const root: ElkNode = { id: '__root__', layoutOptions: options, children: [], edges: [] };
  const elkNodes = new Map<string, ElkNode>();
  for (const n of model.nodes) {
    const node: ElkNode =
      n.kind === 'compound'
        ? {
            id: n.id,
            children: [],
            layoutOptions: {
              'elk.padding': `[top=${GROUP_PADDING.top},left=${GROUP_PADDING.left},bottom=${GROUP_PADDING.bottom},right=${GROUP_PADDING.right}]`,
            },
          }
        : // states of one layer line up by their tops (their heights differ with what they hold)
          { id: n.id, width: n.width, height: n.height, layoutOptions: { 'elk.alignment': 'TOP' } };
    // The initial state opens the chart: first layer, so the flow reads from the top.
    if (n.initial)
      node.layoutOptions = { ...(node.layoutOptions ?? {}), 'elk.layered.layering.layerConstraint': 'FIRST' };
    elkNodes.set(n.id, node);
    const parent = n.parent === null ? root : elkNodes.get(n.parent);
    (parent ?? root).children!.push(node);
  }
  const edges: ElkExtendedEdge[] = [];
  for (const e of model.edges) {
    if (isAncestor(e.source, e.target) || isAncestor(e.target, e.source)) continue;
    const size = labelSize?.(e.id);
    edges.push({
      id: e.id,
      sources: [e.source],
      targets: [e.target],
      ...(size ? { labels: [{ text: ' ', ...size }] } : {}),
    });
  }
  root.edges = edges;
  return root;
}

function collect(node: ElkNode, out: Positions): void {
  for (const c of node.children ?? []) {
    out[c.id] = {
      x: Math.round(c.x ?? 0),
      y: Math.round(c.y ?? 0),
      width: Math.round(c.width ?? 0),
      height: Math.round(c.height ?? 0),
    };
    collect(c, out);
  }
}

/** Runs elk on the model: positions relative to each node's parent, edge routes in absolute coordinates. */
export async function autoLayout(elk: ELK, model: ChartModel, labelSize?: LabelSize): Promise<AutoLayout> {
  const result = await elk.layout(toElkGraph(model, labelSize));
  const positions: Positions = {};
  collect(result, positions);
  const routes: Record<string, Route> = {};
  const ends: Record<string, string> = {};
  for (const e of model.edges) ends[e.id] = `${e.source}>${e.target}`;
  for (const e of (result.edges ?? []) as ElkExtendedEdge[]) {
    const s = e.sections?.[0];
    if (!s || (e.sections?.length ?? 0) > 1) continue;
    const points = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => ({
      x: Math.round(p.x),
      y: Math.round(p.y),
    }));
    const l = e.labels?.[0];
    routes[e.id] = {
      points,
      ...(l && l.x !== undefined
        ? { label: { x: Math.round(l.x), y: Math.round(l.y ?? 0), width: l.width ?? 0, height: l.height ?? 0 } }
        : {}),
    };
  }
  return { positions, routes, ends };
}

/**
 * The elk routes still true for the placed chart: an edge keeps its route while neither end (nor an
 * ancestor of either) was moved away from where elk put it; others are drawn as curves between handles.
 */
export function validRoutes(model: ChartModel, auto: AutoLayout | null, placed: Positions): Record<string, Route> {
  if (!auto) return {};
  const a = absolute(model, auto.positions);
  const p = absolute(model, placed);
  const same = (id: string) => {
    const x = a[id];
    const y = p[id];
    return (
      !!x &&
      !!y &&
      Math.abs(x.x - y.x) < 1 &&
      Math.abs(x.y - y.y) < 1 &&
      Math.abs(x.width - y.width) < 1 &&
      Math.abs(x.height - y.height) < 1
    );
  };
  const out: Record<string, Route> = {};
  for (const e of model.edges) {
    const r = auto.routes[e.id];
    if (r && same(e.source) && same(e.target) && (!auto.ends || auto.ends[e.id] === `${e.source}>${e.target}`))
      out[e.id] = r;
  }
  return out;
}

/**
 * Final positions: the user's stored positions over the automatic ones; nodes missing from both
 * (just added, layout pending) are placed after their siblings; compound groups grow to hold their children.
 */
export function placeNodes(model: ChartModel, auto: Positions, doc: ProcedureDoc): Positions {
  const stored = doc.layout?.nodes ?? {};
  const out: Positions = {};
  const nextSlot = new Map<string, { x: number; y: number }>();
  for (const n of model.nodes) {
    const a = auto[n.id];
    const s = stored[n.id];
    let box: Box;
    if (s) box = { x: s.x, y: s.y, width: s.width ?? a?.width ?? n.width, height: s.height ?? a?.height ?? n.height };
    else if (a) box = { ...a };
    else {
      const parentKey = n.parent ?? '';
      const slot = nextSlot.get(parentKey) ?? siblingEnd(model, out, n.parent);
      box = { x: slot.x, y: slot.y, width: n.width, height: n.height };
      nextSlot.set(parentKey, { x: slot.x, y: slot.y + n.height + 40 });
    }
    if (n.kind !== 'compound') {
      box.width = n.width;
      box.height = n.height;
    }
    out[n.id] = box;
  }
  // Grow groups (deepest first) so that every child fits inside.
  for (const n of [...model.nodes].reverse()) {
    if (n.kind !== 'compound') continue;
    const box = out[n.id];
    for (const c of model.nodes) {
      if (c.parent !== n.id) continue;
      const cb = out[c.id];
      box.width = Math.max(box.width, cb.x + cb.width + GROUP_PADDING.right);
      box.height = Math.max(box.height, cb.y + cb.height + GROUP_PADDING.bottom);
    }
    box.width = Math.max(box.width, 220);
    box.height = Math.max(box.height, 120);
  }
  return out;
}

/** Where a new state goes: right of every sibling, level with the top of them (free space, clear of their edges). */
function siblingEnd(model: ChartModel, placed: Positions, parent: string | null): { x: number; y: number } {
  let maxX = parent === null ? 0 : GROUP_PADDING.left - 40 - 180;
  let y = Infinity;
  for (const n of model.nodes) {
    if (n.parent !== parent || !placed[n.id]) continue;
    const b = placed[n.id];
    maxX = Math.max(maxX, b.x + b.width);
    y = Math.min(y, b.y);
  }
  return { x: maxX + 60, y: Number.isFinite(y) ? y : parent === null ? 0 : GROUP_PADDING.top };
}

/** Absolute boxes (relative to the chart origin), for centring and export. */
export function absolute(model: ChartModel, pos: Positions): Positions {
  const out: Positions = {};
  for (const n of model.nodes) {
    const b = pos[n.id];
    if (!b) continue;
    const p = n.parent ? out[n.parent] : undefined;
    out[n.id] = { x: b.x + (p?.x ?? 0), y: b.y + (p?.y ?? 0), width: b.width, height: b.height };
  }
  return out;
}

/**
 * A chart with more states than this is large: it is drawn with the quick layout first, while elk works
 * (canvas/useLayout.ts), and only the states and transitions in view are drawn (canvas/Chart.tsx).
 */
export const LARGE_CHART = 60;

/** A view of the chart: chart point (0, 0) at screen (x, y), at `zoom`. */
export interface View {
  x: number;
  y: number;
  zoom: number;
}

/**
 * Where the view opens for a chart in a canvas of `width` × `height` pixels: the whole chart when it fits at the
 * `readable` zoom or more (at most 1.1), else at the readable zoom from the top, the whole width when it fits, else
 * centred on the initial state.
 */
export function openingViewport(
  model: ChartModel,
  positions: Positions,
  width: number,
  height: number,
  readable: number,
): View {
  const abs = absolute(model, positions);
  const boxes = Object.values(abs);
  if (!boxes.length || width <= 0 || height <= 0) return { x: 0, y: 0, zoom: readable };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const b of boxes) {
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.width);
    maxY = Math.max(maxY, b.y + b.height);
  }
  const pad = 40;
  const fit = Math.min((width - 2 * pad) / (maxX - minX || 1), (height - 2 * pad) / (maxY - minY || 1));
  if (fit >= readable) {
    const zoom = Math.min(fit, 1.1);
    return {
      x: (width - (maxX - minX) * zoom) / 2 - minX * zoom,
      y: (height - (maxY - minY) * zoom) / 2 - minY * zoom,
      zoom,
    };
  }
  const init = model.nodes.find((n) => n.parent === null && n.initial) ?? model.nodes[0];
  const b = init ? abs[init.id] : undefined;
  const cx = b ? b.x + b.width / 2 : (minX + maxX) / 2;
  const x = (maxX - minX) * readable <= width - 2 * pad ? (width - (maxX - minX)) / 2 - minX : width / 2 - cx;
  return { x, y: pad - minY, zoom: readable };
}
