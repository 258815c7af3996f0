/**
 * Layout of the chart. elk (in its worker) gives the real layout with edge routes; until it answers, a
 * large chart is drawn at once with the quick layout (small charts wait briefly for elk instead, so they
 * do not jump). User-stored positions always win.
 *
 * While editing (`pin`), the first elk layout is kept: a structural edit moves no existing state; only what is
 * new is placed (beside its siblings), and edges elk has not routed are drawn as orthogonal steps. `relayout()`
 * (自动布局) lays everything out again. Read-only views (diffs, county changes) are laid out afresh.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ProcedureDoc } from '../../../engine/browser';
import {
  autoLayout,
  labelSizes,
  LARGE_CHART,
  layoutSignature,
  placeNodes,
  quickLayout,
  validRoutes,
  type AutoLayout,
  type ChartModel,
  type Lang,
  type Positions,
  type Route,
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
  /** Lays the whole chart out again (forgets the kept positions). */
  relayout(): void;
}

/** Charts larger than this are drawn with the quick layout first. */
export const QUICK_FIRST = LARGE_CHART;
/** How long a small chart waits for elk before it is drawn with the quick layout anyway. */
const ELK_WAIT_MS = 2500;

export function useChartLayout(
  model: ChartModel,
  doc: ProcedureDoc,
  lang: Lang,
  opts: { pin?: boolean; enabled?: boolean; ids?: boolean } = {},
): ChartLayout {
  const { pin = false, enabled = true, ids = false } = opts;
  const labels = useMemo(() => labelSizes(doc, model, lang, ids), [doc, model, lang, ids]);
  const signature = useMemo(() => layoutSignature(model, labels), [model, labels]);
  const [auto, setAuto] = useState<(AutoLayout & { key: string; epoch: number }) | null>(null);
  const [epoch, setEpoch] = useState(0);
  const [waited, setWaited] = useState(() => model.nodes.length > QUICK_FIRST);
  const latest = useRef(0);
  const pinned = useRef<Positions | null>(null);
  const pinnedKey = useRef<string | null>(null);
  useEffect(() => {
    if (waited || !enabled) return;
    const id = setTimeout(() => setWaited(true), ELK_WAIT_MS);
    return () => clearTimeout(id);
  }, [waited, enabled]);
  // With kept positions, a structural edit does not run elk again; the layout key is then only the epoch.
  const key = pin && pinnedKey.current ? pinnedKey.current : `${signature}#${epoch}`;
  useEffect(() => {
    if (!enabled) return;
    const run = ++latest.current;
    getElk()
      .then((elk) => autoLayout(elk, model, (id) => labels[id]))
      .then((result) => {
        if (run === latest.current) setAuto({ ...result, key, epoch });
      })
      .catch((e) => {
        console.error('layout failed', e);
        setWaited(true);
      });
    // The model object changes on every edit; only its structure matters here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, enabled]);
  const quick = useMemo(() => (auto || !enabled ? null : quickLayout(model)), [auto, model, enabled]);
  const positions = useMemo(() => {
    if (!enabled) return {};
    const base = pin && pinned.current ? pinned.current : (auto?.positions ?? quick ?? {});
    const placed = placeNodes(model, base, doc);
    if (pin && auto && auto.epoch === epoch) {
      pinned.current = { ...(pinned.current ?? {}), ...placed };
      pinnedKey.current ??= auto.key;
    }
    return placed;
  }, [model, auto, quick, doc, pin, enabled, epoch]);
  const routes = useMemo(() => validRoutes(model, auto, positions), [model, auto, positions]);
  const relayout = useCallback(() => {
    pinned.current = null;
    pinnedKey.current = null;
    setEpoch((n) => n + 1);
  }, []);
  return { positions, routes, ready: enabled && (auto !== null || waited), kind: auto ? 'elk' : 'quick', relayout };
}
