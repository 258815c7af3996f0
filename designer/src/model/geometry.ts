/**
 * Edge geometry shared by the canvas and the SVG export, so the exported 流程图 matches the screen:
 * a cubic curve from the bottom centre of the source to the top centre of the target.
 */
import type { Box } from './layout';

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

/** Path between two absolute boxes (a self-loop when they are the same state). */
export function edgeBetween(s: Box, t: Box, sibling = 0, same = false): EdgePath {
  const sx = s.x + s.width / 2;
  const sy = s.y + s.height;
  const tx = t.x + t.width / 2;
  const ty = t.y;
  return same ? selfLoop(sx, sy, tx, ty, s.width / 2) : curve(sx, sy, tx, ty, sibling);
}
