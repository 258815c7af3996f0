/** A county pack's changes and conflicts in words (validate, diff), Chinese first. */
import { formatBasis, type Basis, type Override, type PackConflict, type ResolvedPack } from '../../engine';
import type { Out } from './command';

function show(v: unknown): string {
  if (v === undefined) return '—';
  if (v && typeof v === 'object' && 'zh-CN' in (v as object)) return `「${(v as { 'zh-CN': string })['zh-CN']}」`;
  const s = JSON.stringify(v);
  return s.length > 80 ? s.slice(0, 77) + '…' : s;
}

const KIND: Record<Override['kind'], string> = {
  parameter: '参数 parameter',
  procedure: '流程 procedure',
  rule: '规则 rule',
  state: '状态 state',
  event: '事件 event',
  deadline: '期限 deadline',
  title: '标题 title',
  data: '数据 data',
  basis: '依据 basis',
};
const CHANGE: Record<Override['change'], string> = {
  added: '新增 added',
  removed: '删除 removed',
  changed: '修改 changed',
};

/** The legal basis of the item an override changes, as the pack now has it (for the diff in words). */
function basisOf(o: Override, pack?: ResolvedPack): Basis | undefined {
  if (!pack) return undefined;
  if (o.kind === 'parameter') return pack.parameters[o.path.split('/')[0]]?.basis;
  const [section, name] = o.path.split('.');
  const doc = o.procedure ? pack.procedures[o.procedure] : undefined;
  if (section === 'rules') return doc?.rules[name]?.basis;
  if (section === 'deadlines') return doc?.deadlines[name]?.basis;
  return undefined;
}

/** One override in words: `参数 smallClaimsCap: 50000 → 38000(示例) — 依据「《民事诉讼法》第165条」`. */
export function describeOverride(o: Override, pack?: ResolvedPack): string {
  const where = o.procedure ? `${o.procedure} ${o.path}` : o.path;
  let to = show(o.to);
  let from = show(o.from);
  const b = o.kind === 'basis' || o.change === 'removed' ? undefined : basisOf(o, pack);
  const basis = b ? ` — 依据 basis「${formatBasis(b)['zh-CN']}」` : '';
  if (o.kind === 'parameter') {
    const name = o.path.replace(/^\/?(parameters\/)?/, '').split('/')[0];
    const p = pack?.parameters[name];
    const val = (x: unknown) =>
      x && typeof x === 'object' && 'value' in (x as object) ? (x as { value: unknown }).value : x;
    from = show(val(o.from));
    to = show(val(o.to)) + (p?.sample ? '(示例 sample)' : '');
    return `${KIND.parameter} ${name}: ${from} → ${to}${basis}`;
  }
  if (o.kind === 'basis') {
    const f = (x: unknown) => (x === undefined ? '—' : `「${formatBasis(x as Basis)['zh-CN']}」`);
    return `${KIND.basis} ${where}: ${f(o.from)} → ${f(o.to)}`;
  }
  if (o.change === 'added') return `${KIND[o.kind]} ${CHANGE.added} ${where}: ${to}${basis}`;
  if (o.change === 'removed') return `${KIND[o.kind]} ${CHANGE.removed} ${where} (原 was ${from})`;
  const isObj = (x: unknown): x is Record<string, unknown> =>
    !!x && typeof x === 'object' && !Array.isArray(x) && !('zh-CN' in x);
  if (isObj(o.from) && isObj(o.to)) {
    // a changed item in words field by field: `amount: {"param":"mediationDays"} → 20`
    const A = o.from;
    const B = o.to;
    const fields = [...new Set([...Object.keys(A), ...Object.keys(B)])].filter(
      (k) => k !== 'basis' && JSON.stringify(A[k]) !== JSON.stringify(B[k]),
    );
    if (fields.length)
      return `${KIND[o.kind]} ${where}: ${fields.map((k) => `${k} ${show(A[k])} → ${show(B[k])}`).join(';')}${basis}`;
  }
  return `${KIND[o.kind]} ${where}: ${from} → ${to}${basis}`;
}

const REASON: Record<PackConflict['reason'], string> = {
  removed: '上级已删除 removed by the base',
  changed: '上级也已修改 changed by the base too',
  added: '上级也新增了 added by the base too',
  invalid: '不再有效 no longer valid',
  failed: '场景不再通过 scenario fails',
};

/** One conflict in words: where, why, what the county expected of the base, what the base holds now, the county's value. */
export function describeConflict(c: PackConflict): string[] {
  const where =
    c.kind === 'parameter'
      ? `参数 parameter ${c.path}`
      : c.kind === 'scenario'
        ? `场景 scenario ${c.path}`
        : `${c.procedure ?? ''} ${c.path}`.trim();
  const lines = [`✗ [${c.kind}] ${where}: ${REASON[c.reason]}`, `    ${c.message['zh-CN']} / ${c.message.en}`];
  if ('expected' in c || 'base' in c || 'county' in c) {
    lines.push(
      `    本地修改时上级为 base then ${show(c.expected)} · 上级现为 base now ${show(c.base)} · 本地 county ${show(c.county)}`,
    );
  }
  for (const d of c.details ?? []) lines.push(`    ${d}`);
  return lines;
}

export function printConflicts(conflicts: PackConflict[], out: Out): void {
  for (const c of conflicts) for (const l of describeConflict(c)) out(`  ${l}`);
}
