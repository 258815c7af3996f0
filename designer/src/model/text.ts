/** Text measures without a browser: the chart, its layout and the SVG export wrap text the same way (never cut). */

/** Rough text width: CJK glyphs are square, Latin about half as wide. */
export function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) w += /[\u2E80-\uFFFF]/.test(ch) ? size : size * 0.58;
  return w;
}

/** Breaks a text into lines no wider than `width` (long words wrap by character). */
export function wrapText(s: string, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of s) {
    if (line && textWidth(line + ch, size) > width) {
      lines.push(line);
      line = ch === ' ' ? '' : ch;
    } else line += ch;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}
