/** Exports the chart as a file: SVG as drawn, PNG by drawing that SVG onto a canvas (Chinese text via system CJK fonts). */
export function download(name: string, href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** Rasterises an SVG (2× for print, smaller when the chart is huge). */
export async function svgToPng(svg: string, width: number, height: number): Promise<string> {
  const img = new Image();
  img.src = svgDataUrl(svg);
  await img.decode();
  const maxSide = 16000;
  const maxArea = 120_000_000;
  let scale = 2;
  scale = Math.min(scale, maxSide / width, maxSide / height, Math.sqrt(maxArea / (width * height)));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.floor(width * scale));
  canvas.height = Math.max(1, Math.floor(height * scale));
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  return canvas.toDataURL('image/png');
}

/** Remembers the last export on the page (for people checking it, and for tests). */
export function recordExport(kind: 'svg' | 'png', bytes: number): void {
  document.body.dataset.lastExport = `${kind}:${bytes}`;
}
