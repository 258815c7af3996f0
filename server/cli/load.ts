/**
 * Reading a pack folder for the offline commands (validate, test, diff, overlay, bundle): the pack with its bases
 * from the folders beside it (and configs/packs), resolved; problems printed with the file they are in.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { resolvePacks, type PackSource, type ProblemDetail, type ResolvedPack } from '../../engine';
import { loadPackDir, loadPacksRoot, PackFileError } from '../packs';
import type { Out } from './command';

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
  // keep only the target and its lineage (bases), so a broken sibling does not fail this pack; a base not found is
  // left out, and resolvePacks reports it (UNKNOWN_BASE_PACK)
  const chain: PackSource[] = [];
  let cur: PackSource | undefined = target;
  const seen = new Set<string>();
  while (cur && !seen.has(cur.manifest.id)) {
    seen.add(cur.manifest.id);
    chain.unshift(cur);
    cur = cur.manifest.extends ? byId.get(cur.manifest.extends) : undefined;
  }
  return { target, sources: chain };
}

/** The file a problem's JSON path points at, from `/packs/<id>/<kind>/<name>/…`. */
function fileOf(p: ProblemDetail, sources: PackSource[]): string {
  const seg = p.path.split('/');
  const src = sources.find((s) => s.manifest.id === seg[2]);
  const root = src?.folder ?? seg[2] ?? '?';
  if (seg[3] === 'manifest' || seg[3] === 'extends' || seg[3] === 'parameters' || seg[3] === 'locked')
    return join(root, 'pack.json');
  if (seg[3] === 'procedures' && seg[4]) {
    if (src?.patches?.[seg[4]] && !src.procedures[seg[4]]) return join(root, 'patches', `${seg[4]}.json`);
    return join(root, 'procedures', `${seg[4]}.json`);
  }
  if (seg[3] === 'patches' && seg[4]) return join(root, 'patches', `${seg[4]}.json`);
  return root;
}

export function printProblems(problems: ProblemDetail[], sources: PackSource[], out: Out): void {
  for (const p of problems) {
    out(`  ✗ [${p.code ?? 'INVALID'}] ${fileOf(p, sources)} ${p.path}`);
    out(`      ${p.message['zh-CN']} / ${p.message.en}`);
  }
}

export interface LoadedPack {
  target: PackSource;
  sources: PackSource[];
  pack?: ResolvedPack;
  problems: ProblemDetail[];
}

/** The pack at `dir` resolved with its bases, or the exit code after saying why it could not be read. */
export function loadResolved(dir: string | undefined, out: Out, usage: string): LoadedPack | number {
  if (!dir) {
    out('✗ 缺少配置包目录 / missing <pack-dir>');
    out(usage);
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
