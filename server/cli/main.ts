/**
 * gongzhi — 配置包命令行工具 / pack command-line tool.
 * validate | test | diff | bundle | export | import | help. Output: Chinese first, English after.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { compileProcedure, coverage, formatBasis, percent, resolvePacks, runScenario, type Basis, type Override, type PackSource, type ProblemDetail, type ResolvedPack, type Scenario, type ScenarioReport } from '../../engine';
import { loadPackDir, loadPacksRoot, PackFileError } from '../packs';
import { BUNDLE_FORMAT, bundleOf } from '../packs/bundle';
import { cmdCalendarImport } from './calendar';

export { BUNDLE_FORMAT, bundleOf, type Bundle } from '../packs/bundle';


const USAGE = `用法 / usage:
  gongzhi validate <pack-dir>          校验配置包 / validate a pack (and its bases)
  gongzhi test <pack-dir>              运行本包及上级包的场景 / run the pack's and its bases' scenarios
  gongzhi diff <pack-dir>              列出相对上级包的改动 / list what the pack changes against its base
  gongzhi bundle <pack-dir> [--out f]  打包为单个 JSON / build a portable bundle offline
  gongzhi export <pack-id> [--out f] [--server URL] [--token T]   从服务器导出 / export from a server
  gongzhi import <file> [--server URL] [--token T]                导入到服务器 / import into a server
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

/** One override in words: `参数 smallClaimsCap: 50000 → 38000(示例)`. */
export function describeOverride(o: Override, pack?: ResolvedPack): string {
  const where = o.procedure ? `${o.procedure} ${o.path}` : o.path;
  let to = show(o.to);
  let from = show(o.from);
  if (o.kind === 'parameter') {
    const name = o.path.replace(/^\/?(parameters\/)?/, '').split('/')[0];
    const p = pack?.parameters[name];
    const val = (x: unknown) => (x && typeof x === 'object' && 'value' in (x as object) ? (x as { value: unknown }).value : x);
    from = show(val(o.from));
    to = show(val(o.to)) + (p?.sample ? '(示例 sample)' : '');
    return `${KIND.parameter} ${name}: ${from} → ${to}`;
  }
  if (o.kind === 'basis') {
    const b = (x: unknown) => (x === undefined ? '—' : `「${formatBasis(x as Basis)['zh-CN']}」`);
    return `${KIND.basis} ${where}: ${b(o.from)} → ${b(o.to)}`;
  }
  if (o.change === 'added') return `${KIND[o.kind]} ${CHANGE.added} ${where}: ${to}`;
  if (o.change === 'removed') return `${KIND[o.kind]} ${CHANGE.removed} ${where} (原 was ${from})`;
  return `${KIND[o.kind]} ${where}: ${from} → ${to}`;
}

export function cmdDiff(dir: string | undefined, out: Out): number {
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

function flags(args: string[]): { pos: string[]; opt: Record<string, string> } {
  const pos: string[] = [];
  const opt: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--dry-run') opt['dry-run'] = '1';
    else if (args[i].startsWith('--')) opt[args[i].slice(2)] = args[++i] ?? '';
    else pos.push(args[i]);
  }
  return { pos, opt };
}

export async function main(argv: string[], out: Out = (l) => console.log(l)): Promise<number> {
  const [cmd, ...rest] = argv;
  const { pos, opt } = flags(rest);
  const server = (opt.server ?? process.env.GONGZHI_SERVER ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  const token = opt.token ?? process.env.GONGZHI_TOKEN;
  switch (cmd) {
    case 'validate': return cmdValidate(pos[0], out);
    case 'test': return cmdTest(pos[0], out);
    case 'diff': return cmdDiff(pos[0], out);
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
    case 'calendar': {
      if (pos[0] !== 'import' || !pos[1]) { out(USAGE); return 2; }
      return cmdCalendarImport(pos[1], { pack: opt.pack || 'national', packsDir: opt['packs-dir'] || 'configs/packs', dryRun: opt['dry-run'] === '1' }, out);
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
