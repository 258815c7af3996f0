/**
 * The chart as a standalone SVG (流程图) for official documents: a title block, states as boxes
 * with their Chinese titles as real text, transitions as curves with their event titles. Pure: the
 * page turns it into a file, or draws it onto a canvas for PNG.
 */
import type { PackParameter, ProcedureDoc } from '../../../engine/browser';
import type { ChartModel } from './graph';
import type { Positions, Route } from './layout';
import { edgeBetween, routePath } from './geometry';
import {
  deadlineText,
  edgeLabel,
  roleTitle,
  stateTitle,
  textWidth,
  wrapText,
  EVENT_FONT,
  EVENT_LINE,
  GUARD_FONT,
  GUARD_LINE,
  LABEL_MAX_WIDTH,
} from './labels';
import { NODE_INNER, SMALL_FONT, SMALL_LINE, TITLE_FONT, TITLE_LINE } from './graph';
import { translate } from '../i18n/strings';
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
  /** elk routes still valid (absolute coordinates); other edges are drawn as orthogonal steps. */
  routes?: Record<string, Route>;
  /** Pack parameters, for deadline lengths given by a parameter. */
  parameters?: Record<string, PackParameter>;
}

const FONT = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif";
const MARK_COLOURS: Record<Change, string> = { added: '#1a7f37', removed: '#cf222e', changed: '#bf8700' };

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Icons as shapes, not glyphs (a machine without a symbol font would draw a glyph as an empty box). */
const clock = (x: number, y: number, c: string) =>
  `<g fill="none" stroke="${c}" stroke-width="1.2"><circle cx="${x + 6}" cy="${y - 4}" r="5"/><path d="M ${x + 6},${y - 7} V ${y - 4} L ${x + 8},${y - 2.5}"/></g>`;
const loop = (x: number, y: number, c: string) =>
  `<g fill="none" stroke="${c}" stroke-width="1.2"><path d="M ${x + 9.5},${y - 6} A 4 4 0 1 0 ${x + 10},${y - 3}"/><path d="M ${x + 9.8},${y - 8.5} V ${y - 5.7} H ${x + 7}"/></g>`;

/** Lines of text, left-aligned or centred, one `<text>` per line (wrapped, never cut). */
function textLines(
  lines: string[],
  x: number,
  y: number,
  size: number,
  lineHeight: number,
  fill: string,
  anchor: 'start' | 'middle' = 'start',
  bold = false,
): string {
  return lines
    .map(
      (l, i) =>
        `<text x="${x}" y="${y + i * lineHeight}" font-size="${size}"${anchor === 'middle' ? ' text-anchor="middle"' : ''}${bold ? ' font-weight="bold"' : ''} fill="${fill}">${escapeXml(l)}</text>`,
    )
    .join('');
}

export function chartToSvg(o: SvgOptions): { svg: string; width: number; height: number } {
  const params = o.parameters ?? {};
  const ids = Object.keys(o.boxes);
  const minX = Math.min(0, ...ids.map((id) => o.boxes[id].x));
  const minY = Math.min(0, ...ids.map((id) => o.boxes[id].y));
  const maxX = Math.max(200, ...ids.map((id) => o.boxes[id].x + o.boxes[id].width));
  const maxY = Math.max(100, ...ids.map((id) => o.boxes[id].y + o.boxes[id].height));
  const pad = 60;
  const head = 90;
  const legendH = 150;
  const width = Math.ceil(Math.max(maxX - minX + pad * 2 + 160, 760));
  const height = Math.ceil(maxY - minY + pad * 2 + head + legendH);
  const dx = pad - minX;
  const dy = pad + head - minY;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT)}">`,
  );
  out.push(`<title>${escapeXml(o.title)}</title>`);
  out.push(
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker></defs>',
  );
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(
    `<text x="${width / 2}" y="44" text-anchor="middle" font-size="24" font-weight="bold" fill="#1f2328">${escapeXml(o.title)}</text>`,
  );
  if (o.subtitle)
    out.push(
      `<text x="${width / 2}" y="74" text-anchor="middle" font-size="14" fill="#57606a">${escapeXml(o.subtitle)}</text>`,
    );

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
    const title = stateTitle(n, o.lang);
    const roles = n.roles.map((r) => roleTitle(o.doc, r, o.lang)).join(o.lang === 'zh-CN' ? '、' : ', ');
    const dash = `stroke-dasharray="${mark === 'removed' ? '6 4' : 'none'}"`;
    if (n.initial && n.parent === null)
      out.push(
        `<circle cx="${x - 16}" cy="${y + 16}" r="6" fill="#1f2328"/><path d="M ${x - 10},${y + 16} L ${x - 2},${y + 16}" stroke="#1f2328" stroke-width="1.5" marker-end="url(#arrow)"/>`,
      );
    if (n.kind === 'compound') {
      out.push(
        `<rect x="${x}" y="${y}" width="${b.width}" height="${b.height}" rx="12" fill="${fill}" stroke="${stroke}" stroke-width="${sw}" ${dash}/>`,
      );
      const dl = n.deadlines.map((d) => deadlineText(o.doc, d, params, o.lang)).join(o.lang === 'zh-CN' ? ';' : '; ');
      out.push(textLines([title], x + 14, y + 24, 15, 19, '#1f2328', 'start', true));
      if (dl) {
        out.push(clock(x + 14, y + 40, '#9a6700'));
        out.push(textLines([dl], x + 30, y + 40, SMALL_FONT, SMALL_LINE, '#9a6700'));
      }
      continue;
    }
    out.push(
      `<rect x="${x}" y="${y}" width="${b.width}" height="${b.height}" rx="10" fill="${fill}" stroke="${stroke}" stroke-width="${sw}" ${dash}/>`,
    );
    if (n.kind === 'final')
      out.push(
        `<rect x="${x + 4}" y="${y + 4}" width="${b.width - 8}" height="${b.height - 8}" rx="7" fill="none" stroke="${stroke}" stroke-width="1"/>`,
      );
    let cy = y + 22;
    const tl = wrapText(title, TITLE_FONT, NODE_INNER);
    out.push(textLines(tl, x + b.width / 2, cy, TITLE_FONT, TITLE_LINE, '#1f2328', 'middle', true));
    cy += tl.length * TITLE_LINE;
    if (roles) {
      const rl = wrapText(roles, SMALL_FONT, NODE_INNER);
      out.push(textLines(rl, x + b.width / 2, cy - 2, SMALL_FONT, SMALL_LINE, '#57606a', 'middle'));
      cy += rl.length * SMALL_LINE;
    }
    for (const t of n.internal) {
      const l = edgeLabel(o.doc, t, o.lang);
      const ll = wrapText(`${l.event} ${l.guard}`.trim(), SMALL_FONT, NODE_INNER - 16);
      out.push(loop(x + 8, cy, '#57606a'));
      out.push(textLines(ll, x + 24, cy, SMALL_FONT, SMALL_LINE, '#57606a'));
      cy += ll.length * SMALL_LINE;
    }
    for (const d of n.deadlines) {
      const ll = wrapText(deadlineText(o.doc, d, params, o.lang), SMALL_FONT, NODE_INNER - 16);
      out.push(clock(x + 8, cy, '#9a6700'));
      out.push(textLines(ll, x + 24, cy, SMALL_FONT, SMALL_LINE, '#9a6700'));
      cy += ll.length * SMALL_LINE;
    }
  }
  for (const e of o.model.edges) {
    const s = o.boxes[e.source];
    const t = o.boxes[e.target];
    if (!s || !t) continue;
    const route = o.routes?.[e.id];
    const p = route
      ? routePath({
          points: route.points.map((q) => ({ x: q.x + dx, y: q.y + dy })),
          ...(route.label ? { label: { ...route.label, x: route.label.x + dx, y: route.label.y + dy } } : {}),
        })
      : edgeBetween(
          { ...s, x: s.x + dx, y: s.y + dy },
          { ...t, x: t.x + dx, y: t.y + dy },
          e.sibling,
          e.source === e.target,
        );
    const mark = o.marks?.edges[e.id];
    const colour = mark ? MARK_COLOURS[mark] : '#57606a';
    out.push(
      `<path d="${p.d}" fill="none" stroke="${colour}" stroke-width="${mark ? 2.5 : 1.4}" marker-end="url(#arrow)"${mark === 'removed' ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    const l = edgeLabel(o.doc, e, o.lang);
    const inner = LABEL_MAX_WIDTH - 12;
    const ev = wrapText(l.event, EVENT_FONT, inner);
    const gd = l.guard ? wrapText(l.guard, GUARD_FONT, inner) : [];
    const w = Math.max(...ev.map((x) => textWidth(x, EVENT_FONT)), ...gd.map((x) => textWidth(x, GUARD_FONT))) + 12;
    const h = 6 + ev.length * EVENT_LINE + gd.length * GUARD_LINE;
    const top = p.labelY - h / 2;
    out.push(
      `<rect x="${p.labelX - w / 2}" y="${top}" width="${w}" height="${h}" rx="4" fill="#ffffff" fill-opacity="0.95" stroke="#d0d7de" stroke-width="0.8"/>`,
    );
    out.push(textLines(ev, p.labelX, top + 15, EVENT_FONT, EVENT_LINE, '#1f2328', 'middle'));
    if (gd.length)
      out.push(
        textLines(gd, p.labelX, top + 3 + ev.length * EVENT_LINE + 11, GUARD_FONT, GUARD_LINE, '#57606a', 'middle'),
      );
  }
  out.push(legend(o.lang, pad, height - legendH + 10, width - pad * 2));
  out.push('</svg>');
  return { svg: out.join('\n'), width, height };
}

/** What the marks mean, for a reader of the printed chart. */
function legend(lang: Lang, x: number, y: number, w: number): string {
  const t = (k: Parameters<typeof translate>[1]) => escapeXml(translate(lang, k));
  const out: string[] = [];
  out.push(`<rect x="${x}" y="${y}" width="${w}" height="124" rx="6" fill="#f6f8fa" stroke="#d0d7de"/>`);
  out.push(`<text x="${x + 14}" y="${y + 24}" font-size="14" font-weight="bold" fill="#1f2328">${t('legend')}</text>`);
  const col = (i: number) => x + 14 + (i % 2) * Math.max(300, w / 2);
  const row = (i: number) => y + 50 + Math.floor(i / 2) * 26;
  const items: [string, string][] = [
    [`<circle cx="${0}" cy="-4" r="6" fill="#1f2328"/>`, t('legendInitial')],
    [
      '<rect x="-8" y="-12" width="22" height="16" rx="3" fill="#fff" stroke="#424a53"/><rect x="-5" y="-9" width="16" height="10" rx="2" fill="none" stroke="#424a53"/>',
      t('legendFinal'),
    ],
    ['<rect x="-8" y="-12" width="22" height="16" rx="4" fill="#f6f8fa" stroke="#424a53"/>', t('legendGroup')],
    [clock(-6, 0, '#9a6700'), t('legendDeadline')],
    [loop(-6, 0, '#57606a'), t('legendLoop')],
    ['<text x="-6" y="0" font-size="12" fill="#57606a">[ ]</text>', t('legendGuard')],
  ];
  items.forEach(([icon, label], i) => {
    out.push(`<g transform="translate(${col(i) + 8},${row(i)})">${icon}</g>`);
    out.push(`<text x="${col(i) + 32}" y="${row(i)}" font-size="12" fill="#1f2328">${label}</text>`);
  });
  return out.join('');
}
