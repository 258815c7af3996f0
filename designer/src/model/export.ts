/**
 * The chart as a standalone SVG (流程图) for official documents: a title block, states as boxes
 * with their Chinese titles as real text, transitions as curves with their event titles. Pure: the
 * page turns it into a file, or draws it onto a canvas for PNG.
 */
import type { ProcedureDoc } from '../../../engine/types';
import type { ChartModel } from './graph';
import type { Positions, Route } from './layout';
import { edgeBetween, routePath } from './geometry';
import { deadlineTitle, edgeLabel, stateTitle, textWidth } from './labels';
import type { Lang } from './doc';
import type { Change } from './marks';

export interface SvgOptions {
  doc: ProcedureDoc;
  model: ChartModel;
  /** Absolute boxes. */
  boxes: Positions;
  lang: Lang;
  title: string;
  subtitle?: string;
  active?: string | null;
  marks?: { nodes: Record<string, Change>; edges: Record<string, Change> };
  /** elk routes still valid (absolute coordinates); other edges are drawn as curves. */
  routes?: Record<string, Route>;
}

const FONT = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif";
const MARK_COLOURS: Record<Change, string> = { added: '#1a7f37', removed: '#cf222e', changed: '#bf8700' };

export const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');


/** Cuts a text to fit a width, with an ellipsis. */
function fit(s: string, size: number, width: number): string {
  if (textWidth(s, size) <= width) return s;
  let out = '';
  for (const ch of s) {
    if (textWidth(`${out}${ch}…`, size) > width) break;
    out += ch;
  }
  return `${out}…`;
}

export function chartToSvg(o: SvgOptions): { svg: string; width: number; height: number } {
  const ids = Object.keys(o.boxes);
  const minX = Math.min(0, ...ids.map((id) => o.boxes[id].x));
  const minY = Math.min(0, ...ids.map((id) => o.boxes[id].y));
  const maxX = Math.max(200, ...ids.map((id) => o.boxes[id].x + o.boxes[id].width));
  const maxY = Math.max(100, ...ids.map((id) => o.boxes[id].y + o.boxes[id].height));
  const pad = 60;
  const head = 90;
  const width = Math.ceil(maxX - minX + pad * 2 + 120);
  const height = Math.ceil(maxY - minY + pad * 2 + head);
  const dx = pad - minX;
  const dy = pad + head - minY;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT)}">`);
  out.push(`<title>${escapeXml(o.title)}</title>`);
  out.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker></defs>');
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="44" text-anchor="middle" font-size="24" font-weight="bold" fill="#1f2328">${escapeXml(o.title)}</text>`);
  if (o.subtitle) out.push(`<text x="${width / 2}" y="74" text-anchor="middle" font-size="14" fill="#57606a">${escapeXml(o.subtitle)}</text>`);

  // Groups first (behind), then leaves, then edges on top.
  const depthSorted = [...o.model.nodes].sort((a, b) => a.depth - b.depth);
  for (const n of depthSorted) {
    const b = o.boxes[n.id];
    if (!b) continue;
    const x = b.x + dx;
    const y = b.y + dy;
    const mark = o.marks?.nodes[n.id];
    const stroke = mark ? MARK_COLOURS[mark] : n.id === o.active ? '#0969da' : '#424a53';
    const sw = mark || n.id === o.active ? 3 : 1.5;
    const fill = n.id === o.active ? '#ddf4ff' : n.kind === 'compound' ? '#f6f8fa' : '#ffffff';
    const title = escapeXml(stateTitle(n, o.lang));
    if (n.kind === 'compound') {
      out.push(`<rect x="${x}" y="${y}" width="${b.width}" height="${b.height}" rx="12" fill="${fill}" stroke="${stroke}" stroke-width="${sw}" stroke-dasharray="${mark === 'removed' ? '6 4' : 'none'}"/>`);
      out.push(`<text x="${x + 14}" y="${y + 26}" font-size="15" font-weight="bold" fill="#1f2328">${title}</text>`);
      continue;
    }
    out.push(`<rect x="${x}" y="${y}" width="${b.width}" height="${b.height}" rx="10" fill="${fill}" stroke="${stroke}" stroke-width="${sw}" stroke-dasharray="${mark === 'removed' ? '6 4' : 'none'}"/>`);
    if (n.kind === 'final') out.push(`<rect x="${x + 4}" y="${y + 4}" width="${b.width - 8}" height="${b.height - 8}" rx="7" fill="none" stroke="${stroke}" stroke-width="1"/>`);
    if (n.initial && n.parent === null) out.push(`<circle cx="${x - 16}" cy="${y + 16}" r="6" fill="#1f2328"/><path d="M ${x - 10},${y + 16} L ${x - 2},${y + 16}" stroke="#1f2328" stroke-width="1.5" marker-end="url(#arrow)"/>`);
    out.push(`<text x="${x + b.width / 2}" y="${y + 26}" text-anchor="middle" font-size="15" fill="#1f2328">${title}</text>`);
    out.push(`<text x="${x + b.width / 2}" y="${y + 44}" text-anchor="middle" font-size="10" fill="#8c959f">${escapeXml(n.key)}</text>`);
    n.internal.forEach((t, i) => {
      const l = edgeLabel(o.doc, t, o.lang);
      out.push(`<text x="${x + 10}" y="${y + 62 + i * 20}" font-size="11" fill="#57606a">${escapeXml(fit(`↻ ${l.event} ${l.guard}`.trim(), 11, b.width - 16))}</text>`);
    });
    if (n.deadlines.length) {
      const dl = n.deadlines.map((d) => deadlineTitle(o.doc, d, o.lang)).join('、');
      out.push(`<text x="${x + 10}" y="${y + b.height - 8}" font-size="11" fill="#9a6700">${escapeXml(fit(`⏱ ${dl}`, 11, b.width - 16))}</text>`);
    }
  }
  for (const e of o.model.edges) {
    const s = o.boxes[e.source];
    const t = o.boxes[e.target];
    if (!s || !t) continue;
    const route = o.routes?.[e.id];
    const p = route
      ? routePath({ points: route.points.map((q) => ({ x: q.x + dx, y: q.y + dy })), ...(route.label ? { label: { ...route.label, x: route.label.x + dx, y: route.label.y + dy } } : {}) })
      : edgeBetween({ ...s, x: s.x + dx, y: s.y + dy }, { ...t, x: t.x + dx, y: t.y + dy }, e.sibling, e.source === e.target);
    const mark = o.marks?.edges[e.id];
    const colour = mark ? MARK_COLOURS[mark] : '#57606a';
    out.push(`<path d="${p.d}" fill="none" stroke="${colour}" stroke-width="${mark ? 2.5 : 1.4}" marker-end="url(#arrow)"${mark === 'removed' ? ' stroke-dasharray="6 4"' : ''}/>`);
    const l = edgeLabel(o.doc, e, o.lang);
    const w = Math.max(textWidth(l.event, 12), textWidth(l.guard, 10)) + 10;
    const h = l.guard ? 32 : 18;
    out.push(`<rect x="${p.labelX - w / 2}" y="${p.labelY - h / 2}" width="${w}" height="${h}" rx="4" fill="#ffffff" fill-opacity="0.92"/>`);
    out.push(`<text x="${p.labelX}" y="${p.labelY + (l.guard ? -3 : 4)}" text-anchor="middle" font-size="12" fill="#1f2328">${escapeXml(l.event)}</text>`);
    if (l.guard) out.push(`<text x="${p.labelX}" y="${p.labelY + 12}" text-anchor="middle" font-size="10" fill="#6e7781">${escapeXml(l.guard)}</text>`);
  }
  out.push('</svg>');
  return { svg: out.join('\n'), width, height };
}
