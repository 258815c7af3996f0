/**
 * Edge geometry shared by the canvas and the SVG export, so the exported 流程图 matches the screen:
 * a cubic curve from the bottom centre of the source to the top centre of the target.
 */
import type { Box, Point, Route } from './layout';

export interface EdgePath {
  d: string;
  labelX: number;
  labelY: number;
}

export function curve(sx: number, sy: number, tx: number, ty: number, sibling = 0): EdgePath {
  const spread = sibling * 26;
  if (ty >= sy + 20) {
    const dy = Math.max(40, (ty - sy) / 2);
    return {
      d: `M ${sx},${sy} C ${sx + spread},${sy + dy} ${tx + spread},${ty - dy} ${tx},${ty}`,
      labelX: (sx + tx) / 2 + spread * 0.75,
      labelY: (sy + ty) / 2,
    };
  }
  // Backwards (upwards) or sideways: swing out to the side.
  const side = (tx >= sx ? 1 : -1) * (90 + spread);
  const dy = 70 + Math.abs(sy - ty) * 0.15;
  return {
    d: `M ${sx},${sy} C ${sx + side},${sy + dy} ${tx + side},${ty - dy} ${tx},${ty}`,
    labelX: (sx + tx) / 2 + side * 0.75,
    labelY: (sy + ty) / 2,
  };
}

/** A loop on the right of one state: from its bottom centre back to its top centre. */
export function selfLoop(sx: number, sy: number, tx: number, ty: number, halfWidth = 90): EdgePath {
  const x = Math.max(sx, tx) + halfWidth + 50;
  return { d: `M ${sx},${sy} C ${x},${sy + 40} ${x},${ty - 40} ${tx},${ty}`, labelX: x - 10, labelY: (sy + ty) / 2 };
}

/**
 * An orthogonal path from a source's bottom to a target's top, for edges elk has not routed (new ones, or after a
 * drag): down, across, down — or, to a target above, out to the side and back. The label sits on the line.
 */
export function stepPath(sx: number, sy: number, tx: number, ty: number, sibling = 0): EdgePath {
  if (ty >= sy + 24) {
    const mid = Math.min(ty - 12, Math.max(sy + 12, (sy + ty) / 2 + sibling * 20));
    return routePath({
      points: [
        { x: sx, y: sy },
        { x: sx, y: mid },
        { x: tx, y: mid },
        { x: tx, y: ty },
      ],
    });
  }
  const side = Math.max(sx, tx) + 120 + sibling * 30;
  return routePath({
    points: [
      { x: sx, y: sy },
      { x: sx, y: sy + 24 },
      { x: side, y: sy + 24 },
      { x: side, y: ty - 24 },
      { x: tx, y: ty - 24 },
      { x: tx, y: ty },
    ],
  });
}

/** Path between two absolute boxes (a self-loop when they are the same state). */
export function edgeBetween(s: Box, t: Box, sibling = 0, same = false): EdgePath {
  const sx = s.x + s.width / 2;
  const sy = s.y + s.height;
  const tx = t.x + t.width / 2;
  const ty = t.y;
  return same ? selfLoop(sx, sy, tx, ty, s.width / 2) : stepPath(sx, sy, tx, ty, sibling);
}

/** An orthogonal route as a path with rounded corners; the label sits where elk reserved room for it. */
export function routePath(route: Route, radius = 8): EdgePath {
  const pts = route.points.filter((p, i, all) => i === 0 || p.x !== all[i - 1].x || p.y !== all[i - 1].y);
  if (pts.length < 2) pts.push({ ...pts[0] });
  let d = `M ${pts[0].x},${pts[0].y}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const [a, b, c] = [pts[i - 1], pts[i], pts[i + 1]];
    const r = Math.min(radius, dist(a, b) / 2, dist(b, c) / 2);
    const p1 = towards(b, a, r);
    const p2 = towards(b, c, r);
    d += ` L ${p1.x},${p1.y} Q ${b.x},${b.y} ${p2.x},${p2.y}`;
  }
  const last = pts[pts.length - 1];
  d += ` L ${last.x},${last.y}`;
  // The label sits on the line: where elk reserved room for it, moved onto the nearest point of the path.
  const label = route.label
    ? nearestOnPath(pts, { x: route.label.x + route.label.width / 2, y: route.label.y + route.label.height / 2 })
    : midpoint(pts);
  return { d, ...label };
}

function nearestOnPath(pts: Point[], q: Point): { labelX: number; labelY: number } {
  let best = { labelX: pts[0].x, labelY: pts[0].y, d: Infinity };
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1];
    const b = pts[i];
    const len2 = (b.x - a.x) ** 2 + (b.y - a.y) ** 2;
    const f = len2 ? Math.max(0, Math.min(1, ((q.x - a.x) * (b.x - a.x) + (q.y - a.y) * (b.y - a.y)) / len2)) : 0;
    const x = a.x + (b.x - a.x) * f;
    const y = a.y + (b.y - a.y) * f;
    const d = (x - q.x) ** 2 + (y - q.y) ** 2;
    if (d < best.d) best = { labelX: x, labelY: y, d };
  }
  return { labelX: best.labelX, labelY: best.labelY };
}

const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

function towards(from: Point, to: Point, r: number): Point {
  const l = dist(from, to) || 1;
  return { x: from.x + ((to.x - from.x) * r) / l, y: from.y + ((to.y - from.y) * r) / l };
}

function midpoint(pts: Point[]): { labelX: number; labelY: number } {
  const total = pts.slice(1).reduce((s, p, i) => s + dist(pts[i], p), 0);
  let walked = 0;
  for (let i = 1; i < pts.length; i++) {
    const seg = dist(pts[i - 1], pts[i]);
    if (walked + seg >= total / 2) {
      const f = seg ? (total / 2 - walked) / seg : 0;
      return {
        labelX: pts[i - 1].x + (pts[i].x - pts[i - 1].x) * f,
        labelY: pts[i - 1].y + (pts[i].y - pts[i - 1].y) * f,
      };
    }
    walked += seg;
  }
  return { labelX: pts[0].x, labelY: pts[0].y };
}
