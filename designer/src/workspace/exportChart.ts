/** Export the chart being shown (流程图) as an SVG or PNG file. */
import type { PackParameter, ProcedureDoc } from '../../../engine/browser';
import { absolute, chartToSvg, type ChartModel, type Lang, type Marks, type Positions, type Route } from '../model';
import { download, recordExport, svgToPng } from './exporter';

export interface ExportInput {
  doc: ProcedureDoc;
  model: ChartModel;
  positions: Positions;
  routes?: Record<string, Route>;
  lang: Lang;
  marks?: Marks;
  active?: string | null;
  title: string;
  subtitle: string;
  fileBase: string;
  /** For deadline lengths given by a parameter. */
  parameters?: Record<string, PackParameter>;
}

export async function exportChart(kind: 'svg' | 'png', o: ExportInput): Promise<void> {
  const { svg, width, height } = chartToSvg({
    doc: o.doc,
    model: o.model,
    boxes: absolute(o.model, o.positions),
    lang: o.lang,
    parameters: o.parameters ?? {},
    title: o.title,
    subtitle: o.subtitle,
    marks: o.marks,
    active: o.active,
    routes: o.routes,
  });
  if (kind === 'svg') {
    const blob = new Blob([svg], { type: 'image/svg+xml;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    download(`${o.fileBase}.svg`, url);
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    recordExport('svg', blob.size);
    return;
  }
  const png = await svgToPng(svg, width, height);
  const bytes = Math.floor(((png.length - png.indexOf(',') - 1) * 3) / 4);
  download(`${o.fileBase}.png`, png);
  recordExport('png', bytes);
}
