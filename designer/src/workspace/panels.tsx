/**
 * The side panels, in one registry: a new panel is one entry here (its tab, when it shows, the state it keeps
 * while other tabs are open, and what it puts on the chart). Panels not needed to open a procedure load when
 * first shown.
 */
import { lazy, type ComponentType } from 'react';
import type { Override, ProcedureDoc } from '../../../engine/browser';
import { diffProcedure } from '../../../engine/browser';
import type { VersionInfo } from '../api';
import type { Overlay } from '../canvas';
import {
  activeAfter,
  marksFrom,
  pathTaken,
  refusedEdges,
  unionChart,
  type ChartModel,
  type Marks,
  type TraceEntry,
} from '../model';
import type { StringKey } from '../i18n';
import type { Comparison } from '../panels/VersionsPanel';
import { Inspector } from '../panels/inspector/Inspector';
import type { Loaded } from './load';

const SimulatePanel = lazy(() => import('../panels/SimulatePanel').then((m) => ({ default: m.SimulatePanel })));
const VersionsPanel = lazy(() => import('../panels/VersionsPanel').then((m) => ({ default: m.VersionsPanel })));
const CountyPanel = lazy(() => import('../panels/CountyPanel').then((m) => ({ default: m.CountyPanel })));
const CalendarPanel = lazy(() => import('../panels/CalendarPanel').then((m) => ({ default: m.CalendarPanel })));
const JsonPanel = lazy(() => import('../panels/JsonPanel').then((m) => ({ default: m.JsonPanel })));

/** What every panel entry is given. */
export interface PanelCtx<S = unknown> {
  state: S;
  setState(s: S): void;
  loaded: Loaded;
  doc: ProcedureDoc;
  model: ChartModel;
  versions: VersionInfo[];
  countyOverrides: Override[];
  onPickState(path: string): void;
}

/** A read-only chart shown instead of the document being edited (a comparison). */
export interface ChartView {
  doc: ProcedureDoc;
  model: ChartModel;
  marks: Marks;
}

export interface PanelDef<S = unknown> {
  id: string;
  label: StringKey;
  initial: S;
  when?(loaded: Loaded): boolean;
  /** Stays mounted (keeps what the user typed) once opened. */
  keep?: boolean;
  Component: ComponentType<{ ctx: PanelCtx<S> }>;
  view?(ctx: PanelCtx<S>): ChartView | null;
  overlay?(ctx: PanelCtx<S>): Overlay | null;
}

export interface SimState {
  trace: TraceEntry[] | null;
  /** The refused step, if the last event was refused. */
  refusal: TraceEntry | null;
}

const define = <S,>(p: PanelDef<S>) => p as unknown as PanelDef;

export const PANELS: PanelDef[] = [
  define<null>({ id: 'inspect', label: 'tabInspect', initial: null, Component: () => <Inspector /> }),
  define<SimState>({
    id: 'simulate',
    label: 'tabSimulate',
    initial: { trace: null, refusal: null },
    keep: true,
    Component: ({ ctx }) => <SimulatePanel onTrace={(trace, refusal) => ctx.setState({ trace, refusal })} />,
    overlay: ({ state, model }) => {
      if (!state.trace) return null;
      const taken = pathTaken(
        model,
        state.trace
          .filter((e) => !e.refused)
          .map((e) => ({ from: e.from, to: e.state ?? e.to, transitions: e.transitions })),
      );
      const active = activeAfter(state.trace);
      return {
        active,
        visitedNodes: taken.nodes,
        visitedEdges: taken.edges,
        refusedEdges: state.refusal ? refusedEdges(model, active, state.refusal) : undefined,
      };
    },
  }),
  define<Comparison | null>({
    id: 'versions',
    label: 'tabVersions',
    initial: null,
    Component: ({ ctx }) => (
      <VersionsPanel
        versions={ctx.versions}
        comparison={ctx.state}
        onCompare={ctx.setState}
        onPickState={ctx.onPickState}
      />
    ),
    view: ({ state }) => {
      if (!state) return null;
      const m = unionChart(state.a.doc, state.b.doc);
      return {
        doc: state.b.doc,
        model: m,
        marks: marksFrom(diffProcedure(state.a.doc, state.b.doc), m, state.b.doc, state.a.doc),
      };
    },
  }),
  define<boolean>({
    id: 'county',
    label: 'tabCounty',
    initial: true,
    when: (l) => !!l.pack.extends,
    Component: ({ ctx }) => (
      <CountyPanel
        base={ctx.loaded.base}
        basePack={ctx.loaded.basePack}
        overrides={ctx.countyOverrides}
        show={ctx.state}
        onShow={ctx.setState}
        onPickState={ctx.onPickState}
      />
    ),
    view: ({ state, loaded, doc, countyOverrides }) => {
      if (!state || !loaded.base) return null;
      const m = unionChart(loaded.base, doc);
      return { doc, model: m, marks: marksFrom(countyOverrides, m, doc, loaded.base) };
    },
  }),
  define<null>({ id: 'calendar', label: 'tabCalendar', initial: null, Component: () => <CalendarPanel /> }),
  define<null>({ id: 'json', label: 'tabJson', initial: null, Component: () => <JsonPanel /> }),
];
