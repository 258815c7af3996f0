/**
 * The statechart canvas (React Flow). A view of the chart model: editable in the designer, read-only
 * for running cases and version diffs. Selection, highlights and marks come in as props; edits go out
 * as callbacks (the caller turns them into commands).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Background, Controls, MarkerType, MiniMap, Position, ReactFlow, ReactFlowProvider, useReactFlow,
  type Connection, type NodeChange, type NodeMouseHandler, type EdgeMouseHandler, type OnNodeDrag,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { ProcedureDoc } from '../../../engine/types';
import { absolute, edgeLabel, roleTitle, deadlineTitle, stateTitle, type ChartModel, type Marks, type Positions, type Route } from '../model';
import { useI18n } from '../i18n';
import { StateNode, GroupNode } from './StateNode';
import { TransitionEdge } from './TransitionEdge';
import type { StateFlowNode, TransitionFlowEdge } from './types';

export type ChartSelection = { kind: 'state'; id: string } | { kind: 'edge'; id: string } | { kind: 'internal'; id: string; node: string };

export interface Overlay {
  active?: string | null;
  visitedNodes?: Set<string>;
  visitedEdges?: Set<string>;
  marks?: Marks;
  problems?: Map<string, number>;
  problemEdges?: Set<string>;
}

export interface ChartProps {
  doc: ProcedureDoc;
  model: ChartModel;
  positions: Positions;
  routes: Record<string, Route>;
  editable: boolean;
  selection: ChartSelection | null;
  onSelect(sel: ChartSelection | null): void;
  onMove?(positions: Record<string, { x: number; y: number }>): void;
  onConnect?(source: string, target: string): void;
  overlay?: Overlay;
  /** Which layout the positions come from: the view is fitted again when elk's arrives (unless the user moved it). */
  layoutKind?: 'elk' | 'quick';
  /** Centre the view on this node (`at`: when asked, Date.now(); a later request with the same id centres again). */
  focus?: { id: string; at: number } | null;
  testId?: string;
}

const nodeTypes = { state: StateNode, group: GroupNode };
/** Above this many states the chart opens at a readable zoom on its initial state instead of fitting everything. */
const BIG_CHART = 60;
const BIG_ZOOM = 0.8;
const edgeTypes = { transition: TransitionEdge };

function FlowChart(p: ChartProps) {
  const { lang } = useI18n();
  const rf = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const interacted = useRef(false);
  const big = p.model.nodes.length > BIG_CHART;
  const [drag, setDrag] = useState<Record<string, { x: number; y: number }>>({});
  // Callbacks read the latest props through refs, so the node and edge objects (and their data) can stay the same.
  const onSelectRef = useRef(p.onSelect);
  onSelectRef.current = p.onSelect;
  const onSelect = useCallback((sel: ChartSelection | null) => onSelectRef.current(sel), []);
  const modelRef = useRef(p.model);
  modelRef.current = p.model;
  const selectInternal = useCallback((id: string) => {
    const node = modelRef.current.nodes.find((n) => n.internal.some((t) => t.id === id));
    if (node) onSelect({ kind: 'internal', id, node: node.id });
  }, [onSelect]);
  const selectEdge = useCallback((id: string) => onSelect({ kind: 'edge', id }), [onSelect]);

  // Node and edge objects keep their identity while their content is the same, so React Flow redraws
  // only what changed (a click re-renders two states, not two hundred).
  const nodeCache = useRef(new Map<string, { key: string; item: StateFlowNode }>());
  const edgeCache = useRef(new Map<string, { key: string; item: TransitionFlowEdge }>());

  const freshNodes = useMemo<StateFlowNode[]>(() => p.model.nodes.map((n) => {
    const box = p.positions[n.id] ?? { x: 0, y: 0, width: n.width, height: n.height };
    const sel = p.selection;
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
        { type: 'target' as const, position: Position.Top, x: box.width / 2 - 4, y: -4, width: 8, height: 8 },
        { type: 'source' as const, position: Position.Bottom, x: box.width / 2 - 4, y: box.height - 4, width: 8, height: 8 },
      ],
      ...(n.parent ? { parentId: n.parent, extent: 'parent' as const } : {}),
      selected: sel?.kind === 'state' && sel.id === n.id,
      draggable: p.editable,
      connectable: p.editable,
      zIndex: compound ? 0 : 1,
      data: {
        path: n.id,
        title: stateTitle(n, lang),
        stateKey: n.key,
        kind: n.kind,
        initial: n.initial,
        roles: n.roles.map((r) => roleTitle(p.doc, r, lang)).join(lang === 'zh-CN' ? '、' : ', '),
        deadlines: n.deadlines.map((d) => deadlineTitle(p.doc, d, lang)).join(lang === 'zh-CN' ? '、' : ', '),
        internal: n.internal.map((t) => {
          const l = edgeLabel(p.doc, t, lang);
          return { id: t.id, label: `${l.event} ${l.guard}`.trim(), selected: sel?.kind === 'internal' && sel.id === t.id };
        }),
        active: o?.active === n.id,
        visited: o?.visitedNodes?.has(n.id) ?? false,
        mark: o?.marks?.nodes[n.id],
        problems: o?.problems?.get(n.id) ?? 0,
        onSelectInternal: selectInternal,
      },
    };
  }), [p.model, p.positions, p.selection, p.overlay, p.doc, p.editable, lang, selectInternal]);

  const baseNodes = useMemo(() => reuse(freshNodes, nodeCache.current), [freshNodes]);

  const nodes = useMemo(() => (Object.keys(drag).length === 0 ? baseNodes
    : baseNodes.map((n) => (drag[n.id] ? { ...n, position: drag[n.id] } : n))), [baseNodes, drag]);

  const freshEdges = useMemo<TransitionFlowEdge[]>(() => p.model.edges.map((e) => {
    const l = edgeLabel(p.doc, e, lang);
    const mark = p.overlay?.marks?.edges[e.id];
    const visited = p.overlay?.visitedEdges?.has(e.id) ?? false;
    const colour = mark === 'added' ? '#1a7f37' : mark === 'removed' ? '#cf222e' : mark === 'changed' ? '#bf8700' : visited ? '#0969da' : '#57606a';
    return {
      id: e.id, source: e.source, target: e.target, type: 'transition',
      selected: p.selection?.kind === 'edge' && p.selection.id === e.id,
      markerEnd: { type: MarkerType.ArrowClosed, color: colour, width: 18, height: 18 },
      zIndex: 2,
      data: { event: l.event, guard: l.guard, sibling: e.sibling, route: drag[e.source] || drag[e.target] ? undefined : p.routes[e.id], mark, visited, problem: p.overlay?.problemEdges?.has(e.id) ?? false, onSelect: selectEdge },
    };
  }), [p.model, p.doc, p.overlay, p.selection, p.routes, drag, lang, selectEdge]);
  const edges = useMemo(() => reuse(freshEdges, edgeCache.current), [freshEdges]);

  const onNodesChange = useCallback((changes: NodeChange<StateFlowNode>[]) => {
    const moved: Record<string, { x: number; y: number }> = {};
    for (const c of changes) if (c.type === 'position' && c.position && c.dragging) moved[c.id] = c.position;
    if (Object.keys(moved).length) setDrag((d) => ({ ...d, ...moved }));
  }, []);

  const onNodeDragStop: OnNodeDrag<StateFlowNode> = useCallback((_e, _node, dragged) => {
    const out: Record<string, { x: number; y: number }> = {};
    for (const n of dragged) out[n.id] = { x: n.position.x, y: n.position.y };
    setDrag({});
    const changed = Object.entries(out).some(([id, pos]) => {
      const before = p.positions[id];
      return !before || Math.abs(before.x - pos.x) > 1 || Math.abs(before.y - pos.y) > 1;
    });
    if (changed) p.onMove?.(out);
  }, [p.positions, p.onMove]);

  const onNodeClick: NodeMouseHandler<StateFlowNode> = useCallback((_e, node) => {
    interacted.current = true;
    onSelect({ kind: 'state', id: node.id });
  }, [onSelect]);
  const onEdgeClick: EdgeMouseHandler<TransitionFlowEdge> = useCallback((_e, edge) => onSelect({ kind: 'edge', id: edge.id }), [onSelect]);
  const onConnect = useCallback((c: Connection) => {
    if (c.source && c.target) p.onConnect?.(c.source, c.target);
  }, [p.onConnect]);

  // Centre on the focused node; if the layout moves it just after (a new state placed by elk), follow it.
  const focus = p.focus;
  const target = focus ? absolute(p.model, p.positions)[focus.id] : undefined;
  const targetKey = target ? `${target.x},${target.y},${target.width},${target.height}` : '';
  // The first view, and again when elk's layout replaces the quick one, unless the user has moved the view.
  const kind = p.layoutKind;
  useEffect(() => {
    performance.mark(`gz:chart-${kind ?? 'drawn'}`);
    if (interacted.current) return;
    const raf = requestAnimationFrame(() => {
      if (!big) {
        void rf.fitView({ padding: 0.15, maxZoom: 1.1 });
        return;
      }
      const init = p.model.nodes.find((n) => n.parent === null && n.initial) ?? p.model.nodes[0];
      const b = init ? absolute(p.model, p.positions)[init.id] : undefined;
      const width = wrapper.current?.clientWidth ?? 800;
      if (b) void rf.setViewport({ x: width / 2 - (b.x + b.width / 2) * BIG_ZOOM, y: 40 - b.y * BIG_ZOOM, zoom: BIG_ZOOM });
    });
    return () => cancelAnimationFrame(raf);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind]);

  useEffect(() => {
    if (!focus || !target || Date.now() - focus.at > 3000) return;
    interacted.current = true;
    const zoom = Math.max(rf.getZoom(), 0.9);
    void rf.setCenter(target.x + target.width / 2, target.y + target.height / 2, { zoom, duration: 200 });
    // Only when asked to focus (or the focused node moved), not on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus?.id, focus?.at, targetKey]);

  return (
    <div ref={wrapper} style={{ width: '100%', height: '100%' }}>
    <ReactFlow<StateFlowNode, TransitionFlowEdge>
      nodes={nodes} edges={edges} nodeTypes={nodeTypes} edgeTypes={edgeTypes}
      onNodesChange={onNodesChange} onNodeDragStop={onNodeDragStop}
      onNodeClick={onNodeClick} onEdgeClick={onEdgeClick} onPaneClick={() => onSelect(null)}
      onConnect={onConnect}
      onMoveStart={(e) => { if (e) interacted.current = true; }}
      nodesDraggable={p.editable} nodesConnectable={p.editable} elementsSelectable
      deleteKeyCode={null} selectionKeyCode={null} multiSelectionKeyCode={null}
      fitView={!big} fitViewOptions={{ padding: 0.15, maxZoom: 1.1 }} minZoom={0.05} maxZoom={2}
      proOptions={{ hideAttribution: true }}
      data-testid={p.testId ?? 'chart'}
    >
      <Background gap={24} size={1} />
      <Controls showInteractive={false} />
      {p.model.nodes.length > 30 && p.layoutKind !== 'quick' && <MiniMap pannable zoomable />}
    </ReactFlow>
    </div>
  );
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

export function Chart(props: ChartProps) {
  return (
    <ReactFlowProvider>
      <FlowChart {...props} />
    </ReactFlowProvider>
  );
}
