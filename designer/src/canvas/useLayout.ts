/** Runs the automatic layout when the chart's structure (or label sizes) change; user-stored positions win. */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ProcedureDoc } from '../../../engine/types';
import { autoLayout, labelSizes, layoutSignature, placeNodes, validRoutes, type AutoLayout, type ChartModel, type Lang, type Positions, type Route } from '../model';
import { getElk } from './elk';

export interface ChartLayout {
  /** Positions relative to each node's parent. */
  positions: Positions;
  /** elk's edge routes that still fit the placed nodes (absolute coordinates). */
  routes: Record<string, Route>;
  ready: boolean;
}

export function useChartLayout(model: ChartModel, doc: ProcedureDoc, lang: Lang): ChartLayout {
  const labels = useMemo(() => labelSizes(doc, model, lang), [doc, model, lang]);
  const signature = useMemo(() => layoutSignature(model, labels), [model, labels]);
  const [auto, setAuto] = useState<AutoLayout | null>(null);
  const latest = useRef(0);
  useEffect(() => {
    const run = ++latest.current;
    getElk()
      .then((elk) => autoLayout(elk, model, (id) => labels[id]))
      .then((result) => {
        if (run === latest.current) setAuto(result);
      })
      .catch((e) => {
        console.error('layout failed', e);
        if (run === latest.current) setAuto({ positions: {}, routes: {} });
      });
    // The model object changes on every edit; only its structure matters here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature]);
  const positions = useMemo(() => placeNodes(model, auto?.positions ?? {}, doc), [model, auto, doc]);
  const routes = useMemo(() => validRoutes(model, auto, positions), [model, auto, positions]);
  return { positions, routes, ready: auto !== null };
}
