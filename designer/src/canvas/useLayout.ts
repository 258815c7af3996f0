/**
 * Layout of the chart. elk (in its worker) gives the real layout with edge routes; until it answers, a
 * large chart is drawn at once with the quick layout (small charts wait briefly for elk instead, so they
 * do not jump). After edits, elk runs again; user-stored positions always win.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ProcedureDoc } from '../../../engine/types';
import {
  autoLayout, labelSizes, layoutSignature, placeNodes, quickLayout, validRoutes, type AutoLayout, type ChartModel, type Lang, type Positions, type Route,
} from '../model';
import { getElk } from './elk';

export interface ChartLayout {
  /** Positions relative to each node's parent. */
  positions: Positions;
  /** elk's edge routes that still fit the placed nodes (absolute coordinates). */
  routes: Record<string, Route>;
  ready: boolean;
  /** Which layout the positions come from. */
  kind: 'elk' | 'quick';
}

/** Charts larger than this are drawn with the quick layout first. */
export const QUICK_FIRST = 60;
/** How long a small chart waits for elk before it is drawn with the quick layout anyway. */
const ELK_WAIT_MS = 2500;

export function useChartLayout(model: ChartModel, doc: ProcedureDoc, lang: Lang): ChartLayout {
  const labels = useMemo(() => labelSizes(doc, model, lang), [doc, model, lang]);
  const signature = useMemo(() => layoutSignature(model, labels), [model, labels]);
  const [auto, setAuto] = useState<AutoLayout | null>(null);
  const [waited, setWaited] = useState(() => model.nodes.length > QUICK_FIRST);
  const latest = useRef(0);
  useEffect(() => {
    if (waited) return;
    const id = setTimeout(() => setWaited(true), ELK_WAIT_MS);
    return () => clearTimeout(id);
  }, [waited]);
  useEffect(() => {
    const run = ++latest.current;
    getElk()
      .then((elk) => autoLayout(elk, model, (id) => labels[id]))
      .then((result) => {
        if (run === latest.current) setAuto(result);
      })
      .catch((e) => {
        console.error('layout failed', e);
        setWaited(true);
      });
    // The model object changes on every edit; only its structure matters here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature]);
  const quick = useMemo(() => (auto ? null : quickLayout(model)), [auto, model]);
  const positions = useMemo(() => placeNodes(model, auto?.positions ?? quick ?? {}, doc), [model, auto, quick, doc]);
  const routes = useMemo(() => validRoutes(model, auto, positions), [model, auto, positions]);
  return { positions, routes, ready: auto !== null || waited, kind: auto ? 'elk' : 'quick' };
}
