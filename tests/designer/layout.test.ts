/** elk layout of the chart: hierarchy-aware, children placed inside their group, no overlaps among siblings. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ProcedureDoc } from '../../engine/types';
import { absolute, autoLayout, buildChart, placeNodes } from '../../designer/src/model';

describe('automatic layout', () => {
  it('lays out the mediation procedure with the court group holding its children', async () => {
    const doc: ProcedureDoc = JSON.parse(readFileSync('configs/packs/national/procedures/dispute-mediation.json', 'utf8'));
    const model = buildChart(doc);
    const auto = await autoLayout(new ELK(), model);
    const pos = placeNodes(model, auto, doc);
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
    for (let i = 0; i < top.length; i++) for (let j = i + 1; j < top.length; j++) {
      const a = top[i];
      const b = top[j];
      const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlap).toBe(false);
    }
    expect(abs.intake.y).toBeLessThan(abs.mediation.y);
  });
});
