/** elk layout of the chart: hierarchy-aware, children placed inside their group, no overlaps among siblings. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ProcedureDoc } from '../../engine/types';
import { absolute, autoLayout, buildChart, labelSizes, placeNodes, validRoutes } from '../../designer/src/model';

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
