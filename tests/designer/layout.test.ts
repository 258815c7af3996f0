/** elk layout of the chart: hierarchy-aware, children placed inside their group, no overlaps among siblings. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ProcedureDoc } from '../../engine/types';
import {
  absolute,
  autoLayout,
  buildChart,
  labelSizes,
  openingViewport,
  placeNodes,
  quickLayout,
  validRoutes,
} from '../../designer/src/model';

describe('automatic layout', () => {
  it('lays out the mediation procedure with the court group holding its children', async () => {
    const doc: ProcedureDoc = JSON.parse(
      readFileSync('configs/packs/national/procedures/dispute-mediation.json', 'utf8'),
    );
    const model = buildChart(doc);
    const labels = labelSizes(doc, model, 'zh-CN');
    const auto = await autoLayout(new ELK(), model, (id) => labels[id]);
    const pos = placeNodes(model, auto.positions, doc);
    const abs = absolute(model, pos);
    const group = abs.fastTrackCourt;
    for (const child of ['fastTrackCourt.filing', 'fastTrackCourt.trial']) {
      const c = abs[child];
      expect(c.x).toBeGreaterThanOrEqual(group.x);
      expect(c.y).toBeGreaterThan(group.y);
      expect(c.x + c.width).toBeLessThanOrEqual(group.x + group.width);
      expect(c.y + c.height).toBeLessThanOrEqual(group.y + group.height);
    }
    const top = model.nodes.filter((n) => n.parent === null).map((n) => abs[n.id]);
    for (let i = 0; i < top.length; i++)
      for (let j = i + 1; j < top.length; j++) {
        const a = top[i];
        const b = top[j];
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap).toBe(false);
      }
    expect(abs.intake.y).toBeLessThan(abs.mediation.y);
    // Every edge between siblings is routed by elk; moving a state drops the routes of its edges only.
    const routes = validRoutes(model, auto, pos);
    const signed = model.edges.find((e) => e.event === 'AGREEMENT_SIGNED')!;
    expect(routes[signed.id].points.length).toBeGreaterThanOrEqual(2);
    expect(routes[signed.id].label!.width).toBe(labels[signed.id].width);
    doc.layout = { nodes: { agreement: { x: pos.agreement.x + 300, y: pos.agreement.y } } };
    const moved = validRoutes(model, auto, placeNodes(model, auto.positions, doc));
    expect(moved[signed.id]).toBeUndefined();
    const judged = model.edges.find((e) => e.event === 'JUDGED')!;
    expect(moved[judged.id]).toBeDefined();
  });
});

describe('the flow reads from the top', () => {
  it('puts the initial state in the first layer of every bundled procedure', async () => {
    const { resolvePacks } = await import('../../engine');
    const { loadPacksRoot } = await import('../../server/packs');
    const { packs } = resolvePacks(loadPacksRoot('configs/packs'));
    const elk = new ELK();
    for (const pack of ['national', 'gaotai-county']) {
      for (const doc of Object.values(packs[pack].procedures)) {
        const model = buildChart(doc);
        const auto = await autoLayout(elk, model);
        const abs = absolute(model, auto.positions);
        const top = model.nodes.filter((n) => n.parent === null);
        const initial = top.find((n) => n.initial)!;
        expect(abs[initial.id].y, `${pack}/${doc.id}`).toBe(Math.min(...top.map((n) => abs[n.id].y)));
      }
    }
  });
});

describe('where the view opens', () => {
  const mediation = (): ProcedureDoc =>
    JSON.parse(readFileSync('configs/packs/national/procedures/dispute-mediation.json', 'utf8'));
  const extent = (abs: Record<string, { x: number; y: number; width: number; height: number }>) => {
    const boxes = Object.values(abs);
    return {
      minX: Math.min(...boxes.map((b) => b.x)),
      minY: Math.min(...boxes.map((b) => b.y)),
      maxX: Math.max(...boxes.map((b) => b.x + b.width)),
      maxY: Math.max(...boxes.map((b) => b.y + b.height)),
    };
  };

  it('shows the whole chart, centred, when it fits at the readable zoom', () => {
    const doc = mediation();
    const model = buildChart(doc);
    const pos = placeNodes(model, quickLayout(model), doc);
    const e = extent(absolute(model, pos));
    const width = (e.maxX - e.minX) * 2 + 80;
    const height = (e.maxY - e.minY) * 2 + 80;
    const v = openingViewport(model, pos, width, height, 1);
    expect(v.zoom).toBe(1.1); // room for twice the chart: the zoom stops at 1.1
    // the chart's middle at the canvas's middle
    expect(v.x + ((e.minX + e.maxX) / 2) * v.zoom).toBeCloseTo(width / 2, 6);
    expect(v.y + ((e.minY + e.maxY) / 2) * v.zoom).toBeCloseTo(height / 2, 6);
  });

  it('opens a chart too large for the canvas at the readable zoom, from the top, on the initial state', () => {
    const doc = mediation();
    const model = buildChart(doc);
    const pos = placeNodes(model, quickLayout(model), doc);
    const abs = absolute(model, pos);
    const e = extent(abs);
    const width = Math.round((e.maxX - e.minX) / 3);
    const v = openingViewport(model, pos, width, 300, 1);
    expect(v.zoom).toBe(1);
    expect(v.y + e.minY).toBe(40); // the top of the chart 40 px below the canvas's top
    const init = model.nodes.find((n) => n.parent === null && n.initial)!;
    expect(v.x + abs[init.id].x + abs[init.id].width / 2).toBeCloseTo(width / 2, 6);
  });

  it('opens an empty chart, or a canvas not laid out yet, at the origin', () => {
    const doc = mediation();
    const model = buildChart(doc);
    expect(openingViewport(model, {}, 800, 600, 1)).toEqual({ x: 0, y: 0, zoom: 1 });
    expect(openingViewport(model, quickLayout(model), 0, 0, 1)).toEqual({ x: 0, y: 0, zoom: 1 });
  });
});
