/**
 * gongzhi — 配置包命令行工具 / pack command-line tool.
 * validate | test | diff | overlay | bundle | export | import | migrate | calendar | help. Output: Chinese first, English after.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { compileProcedure, coverage, formatBasis, percent, resolvePacks, retestPack, runScenario, type Basis, type Override, type PackConflict, type PackSource, type ProblemDetail, type ResolvedPack, type Scenario, type ScenarioReport } from '../../engine';
import { loadPackDir, loadPacksRoot, PackFileError } from '../packs';
import { BUNDLE_FORMAT, bundleOf } from '../packs/bundle';
import { cmdCalendarImport } from './calendar';

export { BUNDLE_FORMAT, bundleOf, type Bundle } from '../packs/bundle';


const USAGE = `用法 / usage:
  gongzhi validate <pack-dir>          校验配置包 / validate a pack (and its bases)
  gongzhi test <pack-dir>              运行本包及上级包的场景 / run the pack's and its bases' scenarios
  gongzhi diff <pack-dir>              列出相对上级包的改动及冲突 / list what the pack changes against its base, and its conflicts
  gongzhi overlay <pack-dir> [--write] 把完整副本和合并补丁转成记录上级原值的补丁 / turn copies and merge patches into overlays
  gongzhi bundle <pack-dir> [--out f]  打包为单个 JSON / build a portable bundle offline
  gongzhi export <pack-id> [--out f] [--server URL] [--token T]   从服务器导出 / export from a server
  gongzhi import <file> [--server URL] [--token T]                导入到服务器 / import into a server
  gongzhi migrate <pack> <procedure> [--to N] [--from N] [--state s] [--map a=b,c=d] [--run]
                                       迁移运行中的案件(默认只预演)/ move running cases to a version (a dry run unless --run)
  gongzhi migrate --instance <id> [--to N] [--map a=b] [--run]   迁移一个案件 / one case
  gongzhi calendar import <notice.txt> [--pack national] [--packs-dir configs/packs] [--dry-run]
                                       载入国务院办公厅节假日安排通知 / read a State Council holiday notice into the pack's calendar-<year>.json
  gongzhi help                         本说明 / this help
令牌 / token: --token 或环境变量 GONGZHI_TOKEN; 服务器默认 / default server http://127.0.0.1:3000`;

type Out = (line: string) => void;

/** Loads the pack at `dir` with every pack beside it (its bases); falls back to configs/packs for bases not found there. */
export function loadWithBases(dir: string): { target: PackSource; sources: PackSource[] } {
  const target = loadPackDir(dir);
  const byId = new Map<string, PackSource>();
  const addRoot = (root: string) => {
    if (!existsSync(root)) return;
    for (const s of loadPacksRoot(root)) if (!byId.has(s.manifest.id)) byId.set(s.manifest.id, s);
  };
  byId.set(target.manifest.id, target);
  addRoot(dirname(resolve(dir)));
  addRoot(resolve('configs/packs'));
  // keep only the target and its lineage (bases), so a broken sibling does not fail this pack
  const chain: PackSource[] = [];
  let cur: PackSource | undefined = target;
  const seen = new Set<string>();
  while (cur && !seen.has(cur.manifest.id)) {
    seen.add(cur.manifest.id);
    chain.unshift(cur);
    cur = cur.manifest.extends ? byId.get(cur.manifest.extends) : undefined;
  }
  if (target.manifest.extends && !byId.has(target.manifest.extends)) chain.push(...[]); // resolvePacks reports UNKNOWN_BASE_PACK
  return { target, sources: chain };
}

/** The file a problem's JSON path points at, from `/packs/<id>/<kind>/<name>/…`. */
function fileOf(p: ProblemDetail, sources: PackSource[]): string {
  const seg = p.path.split('/');
  const src = sources.find((s) => s.manifest.id === seg[2]);
  const root = src?.origin ?? seg[2] ?? '?';
  if (seg[3] === 'manifest' || seg[3] === 'extends' || seg[3] === 'parameters' || seg[3] === 'locked') return join(root, 'pack.json');
  if (seg[3] === 'procedures' && seg[4]) {
    if (src?.patches?.[seg[4]] && !src.procedures[seg[4]]) return join(root, 'patches', `${seg[4]}.json`);
    return join(root, 'procedures', `${seg[4]}.json`);
  }
  if (seg[3] === 'patches' && seg[4]) return join(root, 'patches', `${seg[4]}.json`);
  return root;
}

function printProblems(problems: ProblemDetail[], sources: PackSource[], out: Out) {
  for (const p of problems) {
    out(`  ✗ [${p.code ?? 'INVALID'}] ${fileOf(p, sources)} ${p.path}`);
    out(`      ${p.message['zh-CN']} / ${p.message.en}`);
  }
}

function load(dir: string | undefined, out: Out): { target: PackSource; sources: PackSource[]; pack?: ResolvedPack; problems: ProblemDetail[] } | number {
  if (!dir) {
    out('✗ 缺少配置包目录 / missing <pack-dir>');
    out(USAGE);
    return 2;
  }
  if (!existsSync(join(dir, 'pack.json'))) {
    out(`✗ [PACK_FILE] ${join(dir, 'pack.json')}: 找不到配置包清单 / pack manifest not found`);
    return 1;
  }
  try {
    const { target, sources } = loadWithBases(dir);
    const { packs, problems } = resolvePacks(sources);
    return { target, sources, pack: packs[target.manifest.id], problems };
  } catch (e) {
    if (e instanceof PackFileError) {
      out(`✗ [PACK_FILE] ${e.file}: JSON 无法读取 / unreadable JSON — ${e.message}`);
      return 1;
    }
    throw e;
  }
}

export function cmdValidate(dir: string | undefined, out: Out): number {
  const r = load(dir, out);
  if (typeof r === 'number') return r;
  if (r.problems.length || !r.pack) {
    out(`✗ 校验失败 / validation failed: ${r.target.manifest.id} — ${r.problems.length} 个问题 / problem(s)`);
    printProblems(r.problems, r.sources, out);
    return 1;
  }
  const p = r.pack;
  if (p.conflicts?.length) {
    out(`✗ 与上级包冲突 / conflicts with its base: ${p.id} — ${p.conflicts.length} 处 / conflict(s)`);
    printConflicts(p.conflicts, out);
    return 1;
  }
  out(`✓ 校验通过 / validation passed: ${p.id} (${p.title['zh-CN']} / ${p.title.en})`);
  out(`  继承 / lineage: ${p.lineage.join(' → ')}`);
  out(`  流程 / procedures: ${Object.keys(p.procedures).length} · 参数 / parameters: ${Object.keys(p.parameters).length} · 改动 / overrides: ${p.overrides.length} · 场景 / scenarios: ${Object.keys(r.target.scenarios ?? {}).length}`);
  return 0;
}

export async function cmdTest(dir: string | undefined, out: Out): Promise<number> {
  const r = load(dir, out);
  if (typeof r === 'number') return r;
  if (r.problems.length || !r.pack) {
    out(`✗ 校验失败,无法运行场景 / validation failed, scenarios not run`);
    printProblems(r.problems, r.sources, out);
    return 1;
  }
  const pack = r.pack;
  const runs = new Map<string, ScenarioReport[]>();
  let failed = 0;
  let total = 0;
  // a pack's scenario with the same file name as its base's replaces it (the county changed that behaviour)
  const byName = new Map<string, { src: PackSource; sc: Scenario }>();
  for (const src of r.sources) for (const [name, sc] of Object.entries(src.scenarios ?? {})) byName.set(name, { src, sc });
  for (const [name, { src, sc }] of byName) {
    {
      total++;
      const title = typeof sc.title === 'string' ? sc.title : `${sc.title['zh-CN']}`;
      const label = `${src.manifest.id}/${name}`;
      const doc = pack.procedures[sc.procedure];
      if (!doc) {
        failed++;
        out(`  ✗ ${label} — 流程「${sc.procedure}」不存在 / procedure '${sc.procedure}' does not exist`);
        continue;
      }
      let report: ScenarioReport;
      try {
        report = await runScenario(compileProcedure({ ...doc, version: 1 }, pack), sc);
      } catch (e) {
        failed++;
        out(`  ✗ ${label} — 运行出错 / error: ${(e as Error).message}`);
        continue;
      }
      runs.set(sc.procedure, [...(runs.get(sc.procedure) ?? []), report]);
      if (report.failures.length) {
        failed++;
        out(`  ✗ ${label} — ${title}`);
        for (const f of report.failures) out(`      ${f}`);
      } else out(`  ✓ ${label} — ${title}`);
      for (const p of report.provisional) {
        out(`      暂定 provisional: ${p.deadline} ${p.dueDate}(${p.years.join('、')} 年节假日通知未载入,按法定假日推算 / no holiday notice for ${p.years.join(', ')}: derived from the statute)`);
      }
    }
  }
  out('覆盖 / coverage:');
  for (const [procId, doc] of Object.entries(pack.procedures)) {
    const reports = runs.get(procId) ?? [];
    const cov = coverage(doc, reports);
    out(`  ${procId}: ${reports.length} 个场景 scenarios · 状态 states ${cov.states.reached}/${cov.states.total} (${percent(cov.states.reached, cov.states.total)} %) · 流转 transitions ${cov.transitions.reached}/${cov.transitions.total} (${percent(cov.transitions.reached, cov.transitions.total)} %)`);
  }
  if (failed) {
    out(`✗ 场景失败 / scenarios failed: ${failed}/${total} (${pack.id})`);
    return 1;
  }
  out(`✓ 场景全部通过 / all scenarios passed: ${total} (${pack.id})`);
  return 0;
}

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
const CHANGE: Record<Override['change'], string> = { added: '新增 added', removed: '删除 removed', changed: '修改 changed' };

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
    const val = (x: unknown) => (x && typeof x === 'object' && 'value' in (x as object) ? (x as { value: unknown }).value : x);
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
  const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x) && !('zh-CN' in x);
  if (isObj(o.from) && isObj(o.to)) {
    // a changed item in words field by field: `amount: {"param":"mediationDays"} → 20`
    const A = o.from;
    const B = o.to;
    const fields = [...new Set([...Object.keys(A), ...Object.keys(B)])].filter((k) => k !== 'basis' && JSON.stringify(A[k]) !== JSON.stringify(B[k]));
    if (fields.length) return `${KIND[o.kind]} ${where}: ${fields.map((k) => `${k} ${show(A[k])} → ${show(B[k])}`).join(';')}${basis}`;
  }
  return `${KIND[o.kind]} ${where}: ${from} → ${to}${basis}`;
}

const REASON: Record<PackConflict['reason'], string> = {
  removed: '上级已删除 removed by the base', changed: '上级也已修改 changed by the base too', added: '上级也新增了 added by the base too',
  invalid: '不再有效 no longer valid', failed: '场景不再通过 scenario fails',
};

/** One conflict in words: where, why, what the county expected of the base, what the base holds now, the county's value. */
export function describeConflict(c: PackConflict): string[] {
  const where = c.kind === 'parameter' ? `参数 parameter ${c.path}` : c.kind === 'scenario' ? `场景 scenario ${c.path}` : `${c.procedure ?? ''} ${c.path}`.trim();
  const lines = [`✗ [${c.kind}] ${where}: ${REASON[c.reason]}`, `    ${c.message['zh-CN']} / ${c.message.en}`];
  if ('expected' in c || 'base' in c || 'county' in c) {
    lines.push(`    本地修改时上级为 base then ${show(c.expected)} · 上级现为 base now ${show(c.base)} · 本地 county ${show(c.county)}`);
  }
  for (const d of c.details ?? []) lines.push(`    ${d}`);
  return lines;
}

function printConflicts(conflicts: PackConflict[], out: Out) {
  for (const c of conflicts) for (const l of describeConflict(c)) out(`  ${l}`);
}

/**
 * What the pack changes against its base, in words, and whether it still follows it: conflicts of its patches and
 * parameter overrides, problems of the re-resolved pack, and its own scenarios that now fail. Exit 1 when conflicted.
 */
export async function cmdDiff(dir: string | undefined, out: Out): Promise<number> {
  const r = load(dir, out);
  if (typeof r === 'number') return r;
  if (!r.pack) {
    out('✗ 校验失败 / validation failed');
    printProblems(r.problems, r.sources, out);
    return 1;
  }
  const p = r.pack;
  out(`配置包 pack ${p.id} 相对 vs ${p.extends ?? '(无上级 no base)'}: ${p.overrides.length} 处改动 / change(s)`);
  for (const o of p.overrides) out(`  • ${describeOverride(o, p)}`);
  if (!p.extends) return 0;
  const conflicts: PackConflict[] = [
    ...(p.conflicts ?? []),
    ...r.problems.map((x): PackConflict => ({ kind: 'problem', path: x.path, reason: 'invalid', message: x.message })),
    ...(r.problems.length ? [] : await retestPack(p, r.target.scenarios ?? {})),
  ];
  if (!conflicts.length) {
    out(`✓ 跟随上级包,无冲突 / follows its base, no conflict (${p.lineage.join(' → ')})`);
    return 0;
  }
  out(`✗ 与上级包冲突 / conflicted with its base: ${conflicts.length} 处 / conflict(s)`);
  printConflicts(conflicts, out);
  return 1;
}

/**
 * Turns a pack's copies of base procedures and merge patches into overlays (operations that record the base's value
 * they change), against the base as it is now. `--write` rewrites `patches/<procedure>.json` and removes the copies.
 */
export function cmdOverlay(dir: string | undefined, write: boolean, out: Out): number {
  if (!dir || !existsSync(join(dir, 'pack.json'))) {
    out(`✗ 找不到配置包 / pack not found: ${dir ?? '<pack-dir>'}`);
    return dir ? 1 : 2;
  }
  const { target, sources } = loadWithBases(dir);
  const { problems, upgraded } = resolvePacks(sources, { upgrade: true });
  const mine = problems.filter((p) => p.path.startsWith(`/packs/${target.manifest.id}/`));
  const up = upgraded[target.manifest.id];
  if (!up) {
    out(`✓ 无需转换 / nothing to turn: ${target.manifest.id} 的改动均已是补丁 / its changes are overlays already`);
    return mine.length ? 1 : 0;
  }
  for (const t of up.turned) {
    if ('parameter' in t) {
      out(`  • 参数 parameter ${t.parameter}: 记录上级原值 records the base value ${JSON.stringify(up.parameters?.[t.parameter]?.baseValue)}`);
      continue;
    }
    const n = up.patches[t.procedure]?.length ?? 0;
    out(`  • ${t.procedure}: ${t.from === 'copy' ? '完整副本 full copy' : '合并补丁 merge patch'} → ${n} 个操作 operation(s)`);
  }
  if (!write) {
    out('(预演 dry run: 加 --write 写入 / add --write to rewrite the files)');
    return 0;
  }
  mkdirSync(join(dir, 'patches'), { recursive: true });
  if (up.parameters) {
    const manifest = JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'pack.json'), JSON.stringify({ ...manifest, parameters: up.parameters }, null, 2) + '\n');
  }
  for (const t of up.turned) {
    if ('parameter' in t) continue;
    writeFileSync(join(dir, 'patches', `${t.procedure}.json`), JSON.stringify({ procedure: t.procedure, changes: up.patches[t.procedure] }, null, 2) + '\n');
    if (t.from === 'copy') rmSync(join(dir, 'procedures', `${t.procedure}.json`), { force: true });
  }
  out(`✓ 已转换 / rewritten: ${up.turned.length} 个流程 procedure(s) in ${join(dir, 'patches')}`);
  return 0;
}

function cmdBundle(dir: string | undefined, outFile: string | undefined, out: Out): number {
  const r = load(dir, out);
  if (typeof r === 'number') return r;
  if (r.problems.length) {
    out('✗ 校验失败,未打包 / validation failed, no bundle written');
    printProblems(r.problems, r.sources, out);
    return 1;
  }
  const text = JSON.stringify(bundleOf(r.target), null, 2) + '\n';
  if (outFile) {
    writeFileSync(outFile, text);
    out(`✓ 已打包 / bundle written: ${outFile}`);
  } else process.stdout.write(text);
  return 0;
}

async function http(method: string, url: string, token: string | undefined, body: unknown, out: Out): Promise<{ status: number; json: unknown } | null> {
  try {
    const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown = text;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, json };
  } catch (e) {
    out(`✗ 无法连接服务器 / cannot reach server ${url}: ${(e as Error).message}`);
    return null;
  }
}

/** Every option of every command (node:util parseArgs, strict: an unknown option is refused with the usage). */
const OPTIONS = {
  out: { type: 'string' }, server: { type: 'string' }, token: { type: 'string' },
  pack: { type: 'string' }, 'packs-dir': { type: 'string' },
  to: { type: 'string' }, from: { type: 'string' }, state: { type: 'string' }, map: { type: 'string' }, instance: { type: 'string' }, limit: { type: 'string' },
  'dry-run': { type: 'boolean' }, write: { type: 'boolean' }, run: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const parse = (args: string[]) => parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });

interface MigratedCase {
  id: string; fromVersion: number; toVersion: number; state: { from: string; to: string }; moved: boolean;
  deadlines: { name: string; change: string; from?: string; to?: string }[]; problems: ProblemDetail[];
}

function printMigrated(c: MigratedCase, out: Out) {
  const mark = c.problems.length ? '✗' : c.moved ? '✓' : '·';
  out(`  ${mark} ${c.id}: 版本 version ${c.fromVersion} → ${c.toVersion} · 状态 state ${c.state.from} → ${c.state.to}${c.moved ? ' · 已迁移 moved' : ''}`);
  for (const d of c.deadlines) {
    const day = (x?: string) => (x ? x.slice(0, 10) : '—');
    out(`      期限 deadline ${d.name}: ${d.change} ${day(d.from)} → ${day(d.to)}`);
  }
  for (const p of c.problems) out(`      ✗ [${p.code ?? 'PROBLEM'}] ${p.path}: ${p.message['zh-CN']} / ${p.message.en}`);
}

/**
 * `gongzhi migrate`: running cases of a procedure (or one case) moved to a newer published version through the
 * server. A dry run unless `--run`: every selected case with what would change. Exit 1 when a case is refused.
 */
async function cmdMigrate(pos: string[], opt: Partial<Record<string, string | boolean>>, server: string, token: string | undefined, out: Out): Promise<number> {
  const stateMap = typeof opt.map === 'string' ? Object.fromEntries(opt.map.split(',').map((x) => x.split('=').map((y) => y.trim()))) : undefined;
  if (stateMap && Object.entries(stateMap).some(([k, v]) => !k || !v)) {
    out('✗ --map 应为 from=to,from=to / --map must be from=to,from=to');
    return 2;
  }
  const run = opt.run === true;
  const to = typeof opt.to === 'string' ? Number(opt.to) : undefined;
  const base = { ...(to ? { toVersion: to } : {}), ...(stateMap ? { stateMap } : {}), dryRun: !run };
  if (typeof opt.instance === 'string') {
    const r = await http('POST', `${server}/api/instances/${encodeURIComponent(opt.instance)}/migrate`, token, base, out);
    if (!r) return 1;
    if (r.status === 409) {
      const e = (r.json as { error: { message: { 'zh-CN': string; en: string }; details: ProblemDetail[] } }).error;
      out(`✗ 不能迁移 / cannot migrate: ${e.message['zh-CN']} / ${e.message.en}`);
      for (const p of e.details ?? []) out(`    ✗ [${p.code ?? 'PROBLEM'}] ${p.path}: ${p.message['zh-CN']} / ${p.message.en}`);
      return 1;
    }
    if (r.status !== 200) { out(`✗ 迁移失败 / migrate failed: HTTP ${r.status} ${JSON.stringify(r.json)}`); return 1; }
    out(run ? '迁移 / migrated:' : '预演 / dry run (加 --run 执行 / add --run to move):');
    printMigrated(r.json as MigratedCase, out);
    return 0;
  }
  const [pack, proc] = pos;
  if (!pack || !proc) { out(USAGE); return 2; }
  const body = {
    ...base, ...(typeof opt.from === 'string' ? { fromVersions: opt.from.split(',').map(Number) } : {}), ...(typeof opt.state === 'string' ? { state: opt.state } : {}),
    ...(typeof opt.limit === 'string' ? { limit: Number(opt.limit) } : {}),
  };
  let cursor: string | undefined;
  let refused = 0;
  let total = 0;
  let moved = 0;
  let target = 0;
  do {
    const r = await http('POST', `${server}/api/packs/${encodeURIComponent(pack)}/procedures/${encodeURIComponent(proc)}/migrate`, token, { ...body, ...(cursor ? { cursor } : {}) }, out);
    if (!r) return 1;
    if (r.status !== 200) { out(`✗ 迁移失败 / migrate failed: HTTP ${r.status} ${JSON.stringify(r.json)}`); return 1; }
    const res = r.json as { toVersion: number; cases: MigratedCase[]; moved: number; refused: number; next: string | null };
    if (!total) out(`${run ? '迁移 / migrating' : '预演 / dry run'}: ${pack}/${proc} → 版本 version ${res.toVersion}${run ? '' : '(加 --run 执行 / add --run to move)'}`);
    for (const c of res.cases) printMigrated(c, out);
    total += res.cases.length;
    moved += res.moved;
    refused += res.refused;
    target = res.toVersion;
    cursor = res.next ?? undefined;
  } while (cursor);
  out(`${refused ? '✗' : '✓'} ${total} 个案件 case(s) → 版本 version ${target}: ${run ? `已迁移 moved ${moved}` : '未改动 nothing changed'}${refused ? `,不能迁移 refused ${refused}` : ''}`);
  return refused ? 1 : 0;
}

export async function main(argv: string[], out: Out = (l) => console.log(l)): Promise<number> {
  const [cmd, ...rest] = argv;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (e) {
    out(`✗ 参数有误 / bad arguments: ${(e as Error).message}`);
    out(USAGE);
    return 2;
  }
  const { positionals: pos, values: opt } = parsed;
  const server = (opt.server ?? process.env.GONGZHI_SERVER ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  const token = opt.token ?? process.env.GONGZHI_TOKEN;
  switch (cmd) {
    case 'validate': return cmdValidate(pos[0], out);
    case 'test': return cmdTest(pos[0], out);
    case 'diff': return cmdDiff(pos[0], out);
    case 'overlay': return cmdOverlay(pos[0], opt.write === true, out);
    case 'bundle': return cmdBundle(pos[0], opt.out, out);
    case 'export': {
      if (!pos[0]) { out(USAGE); return 2; }
      const r = await http('GET', `${server}/api/packs/${encodeURIComponent(pos[0])}/export`, token, undefined, out);
      if (!r) return 1;
      if (r.status !== 200) { out(`✗ 导出失败 / export failed: HTTP ${r.status} ${JSON.stringify(r.json)}`); return 1; }
      const text = JSON.stringify(r.json, null, 2) + '\n';
      if (opt.out) { writeFileSync(opt.out, text); out(`✓ 已导出 / exported: ${opt.out}`); } else process.stdout.write(text);
      return 0;
    }
    case 'import': {
      if (!pos[0]) { out(USAGE); return 2; }
      let bundle: unknown;
      try { bundle = JSON.parse(readFileSync(pos[0], 'utf8')); } catch (e) { out(`✗ [PACK_FILE] ${pos[0]}: 无法读取 / unreadable — ${(e as Error).message}`); return 1; }
      if ((bundle as { format?: string })?.format !== BUNDLE_FORMAT) { out(`✗ [BUNDLE_FORMAT] ${pos[0]} /format: 应为 must be "${BUNDLE_FORMAT}"`); return 1; }
      const r = await http('POST', `${server}/api/packs`, token, bundle, out);
      if (!r) return 1;
      if (r.status >= 300) { out(`✗ 导入失败 / import failed: HTTP ${r.status} ${JSON.stringify(r.json)}`); return 1; }
      out(`✓ 已导入 / imported: ${basename(pos[0])} → ${server} ${JSON.stringify(r.json)}`);
      return 0;
    }
    case 'migrate': return cmdMigrate(pos, opt, server, token, out);
    case 'calendar': {
      if (pos[0] !== 'import' || !pos[1]) { out(USAGE); return 2; }
      return cmdCalendarImport(pos[1], { pack: opt.pack || 'national', packsDir: opt['packs-dir'] || 'configs/packs', dryRun: opt['dry-run'] === true }, out);
    }
    case 'help': case '--help': case '-h': out(USAGE); return 0;
    default:
      out(cmd ? `✗ 未知命令 / unknown command: ${cmd}` : '✗ 缺少命令 / missing command');
      out(USAGE);
      return 2;
  }
}

if (process.argv[1] && /gongzhi(\.js)?$|main\.ts$/.test(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
