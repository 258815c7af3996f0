/**
 * Guardrails of the designer: it reaches the engine only through `engine/browser.ts`, whose imports bring no
 * xstate, no json-rules-engine at run time and no node built-ins; every visible string comes from the i18n table
 * (no text written in the components), and the table names every operator and fact the engine knows; every enum
 * value of the bundled procedures has a title for the forms.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { ALL_OPERATORS } from '../../engine/browser';
import { DERIVED_FACTS, STATIC_FACTS } from '../../engine/browser-rules';
import { STRINGS } from '../../designer/src/i18n/strings';
import { DESK_STRINGS } from '../../designer/src/i18n/desk';

const files = (dir: string, ext: RegExp): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p, ext) : ext.test(n) ? [p] : [];
  });

/** Runtime imports of a file (type-only imports are erased and do not count). */
function runtimeImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*(import|export)\s+(?!type\b)([^'"]*?)\s*from\s+'([^']+)'/gm)) out.push(m[3]);
  for (const m of src.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push(m[1]);
  return out;
}

function resolveTs(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      /* next */
    }
  }
  return null;
}

describe('the designer and the engine', () => {
  it('engine/browser.ts, browser-rules.ts and browser-desk.ts bring no xstate, no json-rules-engine and no node built-ins', () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of runtimeImports(file)) {
        if (spec === 'xstate' || spec === 'json-rules-engine' || spec.startsWith('node:'))
          bad.push(`${file} → ${spec}`);
        const next = resolveTs(file, spec);
        if (next && /\.tsx?$/.test(next)) walk(next);
      }
    };
    walk(resolve('engine/browser.ts'));
    walk(resolve('engine/browser-rules.ts'));
    walk(resolve('engine/browser-desk.ts'));
    expect(seen.size).toBeGreaterThan(10);
    expect(bad).toEqual([]);
  });

  it('the designer imports the engine only through engine/browser.ts (and browser-rules.ts, browser-desk.ts)', () => {
    const deep: string[] = [];
    for (const f of files('designer/src', /\.tsx?$/)) {
      for (const m of readFileSync(f, 'utf8').matchAll(/from\s+'((?:\.\.\/)+engine\/[^']*)'/g))
        if (!/engine\/browser(-rules|-desk)?$/.test(m[1])) deep.push(`${f}: ${m[1]}`);
    }
    expect(deep).toEqual([]);
  });
});

describe('every visible string comes from the i18n table', () => {
  it('no component writes text of its own (JSX text, titles, placeholders, labels)', () => {
    const found: string[] = [];
    const letters = /[A-Za-z\u4e00-\u9fff]/;
    const shown = new Set(['title', 'placeholder', 'aria-label', 'label', 'alt']);
    for (const f of files('designer/src', /\.tsx$/)) {
      const sf = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
      const visit = (n: ts.Node) => {
        if (ts.isJsxText(n) && letters.test(n.text)) found.push(`${f}: ${n.text.trim()}`);
        if (
          ts.isJsxAttribute(n) &&
          shown.has(n.name.getText(sf)) &&
          n.initializer &&
          ts.isStringLiteral(n.initializer) &&
          letters.test(n.initializer.text)
        ) {
          found.push(`${f}: ${n.name.getText(sf)}="${n.initializer.text}"`);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    // the language switch names each language in itself (中文 / English), as language pickers do
    expect(found.filter((x) => !/Header\.tsx: (中文|English)$/.test(x))).toEqual([]);
  });

  it('names every operator and fact the engine knows, in Chinese and English', () => {
    const table = STRINGS as Record<string, readonly [string, string]>;
    for (const op of ALL_OPERATORS) expect(table[`op_${op}`]?.[0], op).toMatch(/[\u4e00-\u9fff]/);
    for (const f of [...STATIC_FACTS, ...DERIVED_FACTS]) expect(table[`fact_${f}`]?.[0], f).toMatch(/[\u4e00-\u9fff]/);
    for (const [k, [zh, en]] of Object.entries(table)) {
      expect(typeof zh, k).toBe('string');
      expect(typeof en, k).toBe('string');
    }
    // the desk's own table (loaded with its screens): Chinese first, English alongside, no key in both tables
    for (const [k, [zh, en]] of Object.entries(DESK_STRINGS as Record<string, readonly [string, string]>)) {
      expect(zh, k).toMatch(/[\u4e00-\u9fff]/);
      expect(en, k).toMatch(/[A-Za-z]/);
      expect(table[k], `${k} is in both tables`).toBeUndefined();
    }
  });

  it('every field and enum value in the bundled procedures has a title for the forms (title, enumTitles)', () => {
    const missing: string[] = [];
    const walk = (v: unknown, where: string) => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}/${i}`));
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        for (const [name, prop] of Object.entries((o.properties ?? {}) as Record<string, { title?: string }>)) {
          if (!/[\u4e00-\u9fff]/.test(prop?.title ?? '')) missing.push(`${where}/properties/${name}: no Chinese title`);
        }
        if (Array.isArray(o.enum) && o.enum.every((x) => typeof x === 'string')) {
          const titles = (o.enumTitles ?? {}) as Record<string, { 'zh-CN'?: string }>;
          for (const x of o.enum as string[]) if (!titles[x]?.['zh-CN']) missing.push(`${where}: ${x}`);
        }
        for (const [k, x] of Object.entries(o)) if (k !== 'enumTitles') walk(x, `${where}/${k}`);
      }
    };
    for (const f of files('configs/packs', /\.json$/).filter((p) => /\/(procedures|patches)\//.test(p))) {
      const doc = JSON.parse(readFileSync(f, 'utf8'));
      walk(doc.data ?? doc.patch?.data, `${f}#data`);
      for (const [e, ev] of Object.entries(
        (doc.events ?? doc.patch?.events ?? {}) as Record<string, { payload?: unknown }>,
      ))
        walk(ev?.payload, `${f}#events/${e}`);
    }
    expect(missing).toEqual([]);
  });
});
