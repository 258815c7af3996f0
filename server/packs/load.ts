/** Loads config packs from disk: configs/packs/<id>/{pack.json, procedures/, patches/, data/, scenarios/}. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PackManifest, PackSource, PatchSource, ProcedureDoc, Scenario } from '../../engine';

export class PackFileError extends Error {
  readonly code = 'PACK_FILE';
  constructor(
    readonly file: string,
    cause: string,
  ) {
    super(`${file}: ${cause}`);
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PackFileError(file, (e as Error).message);
  }
}

function jsonFiles(dir: string): [string, string][] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f.slice(0, -5), join(dir, f)]);
}

export function loadPackDir(dir: string): PackSource {
  const root = resolve(dir);
  const manifest = readJson(join(root, 'pack.json')) as PackManifest;
  const procedures: Record<string, ProcedureDoc> = {};
  for (const [, file] of jsonFiles(join(root, 'procedures'))) {
    const doc = readJson(file) as ProcedureDoc;
    procedures[doc.id ?? file] = doc;
  }
  // { procedure, changes: [overlay operations] }, or { procedure, patch: <JSON merge patch> } in older packs
  const patches: Record<string, PatchSource> = {};
  for (const [name, file] of jsonFiles(join(root, 'patches'))) {
    const p = readJson(file) as { procedure?: string; changes?: unknown; patch?: unknown };
    patches[typeof p?.procedure === 'string' ? p.procedure : name] = (p?.changes ?? p?.patch ?? null) as PatchSource;
  }
  const data: Record<string, unknown> = {};
  for (const [name, file] of jsonFiles(join(root, 'data'))) data[name] = readJson(file);
  const scenarios: Record<string, Scenario> = {};
  for (const [name, file] of jsonFiles(join(root, 'scenarios'))) scenarios[name] = readJson(file) as Scenario;
  return { manifest, procedures, patches, data, scenarios, folder: root };
}

/**
 * Every pack folder under `root`. A folder that cannot be read throws — or, with `onError`, is reported there and
 * left out, so one broken pack does not keep the others from loading (the server at start-up).
 */
export function loadPacksRoot(root = 'configs/packs', onError?: (e: PackFileError) => void): PackSource[] {
  const dir = resolve(root);
  if (onError && !existsSync(dir)) return [];
  const out: PackSource[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!statSync(join(dir, name)).isDirectory() || !existsSync(join(dir, name, 'pack.json'))) continue;
    try {
      out.push(loadPackDir(join(dir, name)));
    } catch (e) {
      if (!onError || !(e instanceof PackFileError)) throw e;
      onError(e);
    }
  }
  return out;
}
