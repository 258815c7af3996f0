/**
 * bench/RESULTS.md: a header, then one section per benchmark between `<!-- section:name -->` markers.
 * Writing a run replaces only the sections of the benchmarks that ran, so the report builds up.
 */
import { cpus, totalmem, type as osType, release, arch } from 'node:os';
import type { BenchResult } from './types';

export interface RunInfo {
  date: string;
  command: string;
  machine: string;
}

export function machineSummary(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${osType()} ${release()} ${arch()}, Node ${process.version}`;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

const HEADER = `# Gongzhi benchmarks — results

Written by \`npm run bench\` (\`bench/run.ts\`); \`npm run bench -- <name>\` rewrites only that section.
Figures on these machines are noisy, so each benchmark measures Gongzhi and its peer in the same run,
alternating, over several rounds: the figures are medians, a ratio is the median of the per-round ratios.
Absolute figures are for orientation; targets are judged on the ratios (and on the pack-load budget).
`;

const open = (name: string) => `<!-- section:${name} -->`;
const close = (name: string) => `<!-- /section:${name} -->`;

export function renderSection(r: BenchResult, info: RunInfo): string {
  const lines = [
    open(r.name),
    `## ${r.name} — ${r.title}`,
    '',
    `- Run: ${info.date} · \`${info.command}\``,
    `- Machine: ${info.machine}`,
    '',
    '| measure | median | unit |',
    '|---|---:|---|',
    ...r.rows.map((x) => `| ${x.label.replace(/^\s+/, '… ')} | ${formatNumber(x.value)} | ${x.unit} |`),
    '',
  ];
  if (r.ratios.length) {
    lines.push('| ratio | median | target | met |', '|---|---:|---|---|');
    for (const x of r.ratios)
      lines.push(
        `| ${x.label} | ${formatNumber(x.value)} | ${x.target ?? '—'} | ${x.met === undefined ? '—' : x.met ? 'yes' : '**no**'} |`,
      );
    lines.push('');
  }
  if (r.notes?.length) lines.push('Notes:', '', ...r.notes.map((n) => `- ${n}`), '');
  lines.push(close(r.name));
  return lines.join('\n');
}

/** Sections of an existing report, by name, in their order. */
export function parseSections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /<!-- section:([\w-]+) -->[\s\S]*?<!-- \/section:\1 -->/g;
  for (const m of text.matchAll(re)) out.set(m[1], m[0]);
  return out;
}

/** The report with `fresh` sections replacing (or joining) the existing ones, ordered by `order` then as found. */
export function mergeReport(existing: string, fresh: Map<string, string>, order: string[]): string {
  const sections = parseSections(existing);
  for (const [name, text] of fresh) sections.set(name, text);
  const names = [...order.filter((n) => sections.has(n)), ...[...sections.keys()].filter((n) => !order.includes(n))];
  return `${HEADER}\n${names.map((n) => sections.get(n)).join('\n\n')}\n`;
}

/** The console form of a result: aligned rows and ratios. */
export function renderConsole(r: BenchResult): string {
  const rows = r.rows.map((x) => [x.label, formatNumber(x.value), x.unit]);
  const ratios = r.ratios.map((x) => [
    x.label,
    formatNumber(x.value),
    x.target ? `target ${x.target}: ${x.met ? 'met' : 'MISSED'}` : '',
  ]);
  const width = Math.max(...[...rows, ...ratios].map((x) => x[0].length));
  const fmt = (x: string[]) => `  ${x[0].padEnd(width)}  ${x[1].padStart(10)}  ${x[2]}`;
  return [
    `== ${r.name}: ${r.title}`,
    ...rows.map(fmt),
    ...(ratios.length ? ['  -- ratios', ...ratios.map(fmt)] : []),
  ].join('\n');
}
