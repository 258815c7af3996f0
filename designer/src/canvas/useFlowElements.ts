/**
 * React Flow's node and edge objects for the chart. They keep their identity while their content is the same, so
 * React Flow redraws only what changed (a click re-renders two states, not two hundred). The selection is laid over
 * the kept objects afterwards: selecting copies only the states and transitions it changes, and neither rebuilds nor
 * compares the rest.
 */
import { useMemo, useRef } from 'react';
import { MarkerType, Position } from '@xyflow/react';
import type { PackParameter } from '../../../engine/browser';
import { deadlineText, edgeLabel, roleTitle, stateTitle } from '../model';
import { useI18n } from '../i18n';
import type { ChartProps } from './Chart';
import type { StateFlowNode, TransitionFlowEdge } from './types';

const NO_PARAMS: Record<string, PackParameter> = {};

export function useFlowElements(
  p: ChartProps,
  {
    drag,
    selectInternal,
    renamed,
    selectEdge,
  }: {
    /** Where the states being dragged are now (their transitions are drawn straight meanwhile). */
    drag: Record<string, { x: number; y: number }>;
    selectInternal(id: string): void;
    renamed(id: string, title: string | null): void;
    selectEdge(id: string): void;
  },
): { nodes: StateFlowNode[]; edges: TransitionFlowEdge[] } {
  const { lang } = useI18n();
  const params = p.parameters ?? NO_PARAMS;
  const ids = !!p.ids;
  const nodeCache = useRef(new Map<string, { key: string; item: StateFlowNode }>());
  const edgeCache = useRef(new Map<string, { key: string; item: TransitionFlowEdge }>());
  const selectedCopies = useRef(new WeakMap<object, { key: string; item: StateFlowNode | TransitionFlowEdge }>());
  /** The selected copy of a kept node or edge, the same object while neither it nor its selection changes. */
  const selectedCopy = <T extends StateFlowNode | TransitionFlowEdge>(item: T, key: string, make: () => T): T => {
    const hit = selectedCopies.current.get(item);
    if (hit?.key === key) return hit.item as T;
    const made = make();
    selectedCopies.current.set(item, { key, item: made });
    return made;
  };

  const selectedStates = useMemo(() => {
    const s = p.selection;
    return new Set(s?.kind === 'state' ? [s.id] : s?.kind === 'states' ? s.ids : []);
  }, [p.selection]);

  const freshNodes = useMemo<StateFlowNode[]>(
    () =>
      p.model.nodes.map((n) => {
        const box = p.positions[n.id] ?? { x: 0, y: 0, width: n.width, height: n.height };
        const o = p.overlay;
        const compound = n.kind === 'compound';
        return {
          id: n.id,
          type: compound ? 'group' : 'state',
          position: { x: box.x, y: box.y },
          width: box.width,
          height: box.height,
          // Known sizes and handle places: React Flow need not measure, and edges never blink while nodes update.
          measured: { width: box.width, height: box.height },
          handles: [
            { type: 'target' as const, position: Position.Top, x: box.width / 2 - 5, y: -5, width: 10, height: 10 },
            {
              type: 'source' as const,
              position: Position.Bottom,
              x: box.width / 2 - 5,
              y: box.height - 5,
              width: 10,
              height: 10,
            },
          ],
          ...(n.parent ? { parentId: n.parent, extent: 'parent' as const } : {}),
          selected: false,
          draggable: p.editable,
          connectable: p.editable,
          zIndex: compound ? 0 : 1,
          data: {
            path: n.id,
            title: stateTitle(n, lang),
            stateKey: ids ? n.key : '',
            kind: n.kind,
            initial: n.initial,
            roles: n.roles.map((r) => roleTitle(p.doc, r, lang)).join(lang === 'zh-CN' ? '、' : ', '),
            deadlines: n.deadlines.map((d) => deadlineText(p.doc, d, params, lang)).join(lang === 'zh-CN' ? ';' : '; '),
            internal: n.internal.map((x) => {
              const l = edgeLabel(p.doc, x, lang, ids);
              return { id: x.id, label: `${l.event} ${l.guard}`.trim(), selected: false };
            }),
            broken: n.broken.length,
            active: o?.active === n.id,
            visited: o?.visitedNodes?.has(n.id) ?? false,
            found: o?.found?.has(n.id) ?? false,
            mark: o?.marks?.nodes[n.id],
            problems: o?.problems?.get(n.id) ?? 0,
            editing: p.editing === n.id,
            onSelectInternal: selectInternal,
            onRenamed: renamed,
          },
        };
      }),
    [p.model, p.positions, p.overlay, p.doc, p.editable, p.editing, lang, ids, params, selectInternal, renamed],
  );

  const keptNodes = useMemo(() => reuse(freshNodes, nodeCache.current), [freshNodes]);
  const baseNodes = useMemo(() => {
    const sel = p.selection;
    const internal = sel?.kind === 'internal' ? sel : null;
    if (!selectedStates.size && !internal) return keptNodes;
    return keptNodes.map((n) => {
      const selected = selectedStates.has(n.id);
      const inner = internal?.node === n.id;
      if (!selected && !inner) return n;
      return selectedCopy(n, `${selected}|${inner ? internal.id : ''}`, () => ({
        ...n,
        selected,
        data: inner
          ? { ...n.data, internal: n.data.internal.map((x) => (x.id === internal.id ? { ...x, selected: true } : x)) }
          : n.data,
      }));
    });
  }, [keptNodes, selectedStates, p.selection]);

  const nodes = useMemo(
    () =>
      Object.keys(drag).length === 0
        ? baseNodes
        : baseNodes.map((n) => (drag[n.id] ? { ...n, position: drag[n.id] } : n)),
    [baseNodes, drag],
  );

  const freshEdges = useMemo<TransitionFlowEdge[]>(
    () =>
      p.model.edges.map((e) => {
        const l = edgeLabel(p.doc, e, lang, ids);
        const mark = p.overlay?.marks?.edges[e.id];
        const visited = p.overlay?.visitedEdges?.has(e.id) ?? false;
        const refused = p.overlay?.refusedEdges?.has(e.id) ?? false;
        const colour = refused
          ? '#cf222e'
          : mark === 'added'
            ? '#1a7f37'
            : mark === 'removed'
              ? '#cf222e'
              : mark === 'changed'
                ? '#bf8700'
                : visited
                  ? '#0969da'
                  : '#57606a';
        return {
          id: e.id,
          source: e.source,
          target: e.target,
          type: 'transition',
          selected: false,
          markerEnd: { type: MarkerType.ArrowClosed, color: colour, width: 18, height: 18 },
          zIndex: 2,
          data: {
            event: l.event,
            guard: l.guard,
            sibling: e.sibling,
            route: drag[e.source] || drag[e.target] ? undefined : p.routes[e.id],
            mark,
            visited,
            refused,
            problem: p.overlay?.problemEdges?.has(e.id) ?? false,
            onSelect: selectEdge,
          },
        };
      }),
    [p.model, p.doc, p.overlay, p.routes, drag, lang, ids, selectEdge],
  );
  const keptEdges = useMemo(() => reuse(freshEdges, edgeCache.current), [freshEdges]);
  const selectedEdge = p.selection?.kind === 'edge' ? p.selection.id : null;
  const edges = useMemo(
    () =>
      selectedEdge === null
        ? keptEdges
        : keptEdges.map((e) => (e.id === selectedEdge ? selectedCopy(e, 'edge', () => ({ ...e, selected: true })) : e)),
    [keptEdges, selectedEdge],
  );
  return { nodes, edges };
}

/** Returns the previous object for each item whose content (callbacks aside) did not change. */
function reuse<T extends { id: string }>(items: T[], cache: Map<string, { key: string; item: T }>): T[] {
  const seen = new Set<string>();
  const out = items.map((item) => {
    seen.add(item.id);
    const key = JSON.stringify(item, (k, v) => (typeof v === 'function' ? undefined : v));
    const hit = cache.get(item.id);
    if (hit && hit.key === key) return hit.item;
    cache.set(item.id, { key, item });
    return item;
  });
  for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id);
  return out;
}
