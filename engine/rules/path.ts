/**
 * A small, predictable path resolver for rule facts: `$.a.b`, `$.a[0]`, `$.a[*].b` (an array of every
 * element's b), `$.a.length`. Used instead of json-rules-engine's JSONPath so results never change shape.
 */
import { LRUCache } from 'lru-cache';

type Token = { key: string } | { index: number } | { all: true };

/** Tokenized paths. Paths come from documents (untrusted): the cache is bounded, least recently used first out. */
const cache = new LRUCache<string, Token[]>({ max: 10_000 });

function tokenize(path: string): Token[] {
  const hit = cache.get(path);
  if (hit) return hit;
  const tokens: Token[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+|\*)\]/g;
  let rest = path.startsWith('$') ? path.slice(1) : path;
  if (!rest.startsWith('.') && !rest.startsWith('[') && rest.length) rest = '.' + rest;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(rest))) {
    if (m.index !== consumed) throw new Error(`bad path: ${path}`);
    consumed = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ key: m[1] });
    else if (m[2] === '*') tokens.push({ all: true });
    else tokens.push({ index: Number(m[2]) });
  }
  if (consumed !== rest.length) throw new Error(`bad path: ${path}`);
  cache.set(path, tokens);
  return tokens;
}

export function isValidPath(path: string): boolean {
  try {
    tokenize(path);
    return true;
  } catch {
    return false;
  }
}

function walk(value: unknown, tokens: Token[], i: number): unknown {
  if (i === tokens.length) return value;
  if (value === null || value === undefined) return undefined;
  const t = tokens[i];
  if ('all' in t) {
    if (!Array.isArray(value)) return undefined;
    return value.map((v) => walk(v, tokens, i + 1));
  }
  if ('index' in t) return Array.isArray(value) ? walk(value[t.index], tokens, i + 1) : undefined;
  if (t.key === 'length' && (Array.isArray(value) || typeof value === 'string'))
    return walk(value.length, tokens, i + 1);
  if (typeof value !== 'object') return undefined;
  return walk((value as Record<string, unknown>)[t.key], tokens, i + 1);
}

export function resolvePath(value: unknown, path: string): unknown {
  return walk(value, tokenize(path), 0);
}

/** The resolver of one path, tokenized once (compiled conditions read their paths this way, with no cache lookup). */
export function pathResolver(path: string): (value: unknown) => unknown {
  let tokens: Token[];
  try {
    tokens = tokenize(path);
  } catch (e) {
    // a bad path fails when read, as resolvePath does (validation refuses it first: BAD_PATH)
    return () => {
      throw e;
    };
  }
  return (value) => walk(value, tokens, 0);
}

/** Fact references met (`data.agreement.effectiveOn`, …), each with its resolver; from documents: bounded. */
const FACT_REF_CACHE_MAX = 10_000;
const factRefs = new Map<string, (facts: Record<string, unknown>) => unknown>();

/** The resolver of one fact reference, its path tokenized once; null for a path that does not tokenize. */
function factRefResolver(ref: string): ((facts: Record<string, unknown>) => unknown) | null {
  const dot = ref.indexOf('.');
  if (dot < 0) return (facts) => facts[ref];
  const head = ref.slice(0, dot);
  const path = '$' + ref.slice(dot);
  if (!isValidPath(path)) return null;
  const resolve = pathResolver(path);
  return (facts) => resolve(facts[head]);
}

/** Resolves a dotted fact reference such as `data.agreement.effectiveOn`, `event.appliedOn`, `today`. */
export function resolveFactRef(facts: Record<string, unknown>, ref: string): unknown {
  let resolve = factRefs.get(ref);
  if (!resolve) {
    const made = factRefResolver(ref);
    // a bad path is never remembered: it throws from resolvePath, a new error each time, as it always did
    if (!made) return resolvePath(facts[ref.slice(0, ref.indexOf('.'))], '$' + ref.slice(ref.indexOf('.')));
    if (factRefs.size >= FACT_REF_CACHE_MAX) factRefs.clear();
    factRefs.set(ref, (resolve = made));
  }
  return resolve(facts);
}
