/** Reading an instance's configuration: active leaves, handled events, what may be sent now. */
import type { CompiledProcedure } from './compile';
import type { Instance, JSONSchema, I18n } from './types';
import { ancestors } from './machine';

export function activeLeaves(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
      const p = prefix ? `${prefix}.${k}` : k;
      return v && (typeof v === 'string' || Object.keys(v as object).length) ? activeLeaves(v, p) : [p];
    });
  }
  return [];
}

/** A configuration (the active leaf state paths) as the contract's `state` string: the paths joined by `,`. */
export function configurationOf(leaves: string[]): string {
  return leaves.join(',');
}

/** Configurations remembered per compiled procedure (a parallel chart has many; past this many, start again). */
export const HANDLED_CACHE_MAX = 1_000;

/**
 * Per compiled procedure, the handled events of each configuration met: they depend only on the procedure's
 * transitions (fixed when it is compiled) and the active leaves. A procedure recompiled (a new version, a pack
 * changed) is another object, with a cache of its own.
 */
const handledCache = new WeakMap<CompiledProcedure, Map<string, ReadonlySet<string>>>();

/** The events the configuration's states (leaves and their ancestors, the machine's own `on` included) handle. */
export function handledEvents(proc: CompiledProcedure, leaves: string[]): ReadonlySet<string> {
  let byConfiguration = handledCache.get(proc);
  if (!byConfiguration) handledCache.set(proc, (byConfiguration = new Map()));
  // state keys are identifiers (no `,`): the configuration string names the leaves exactly
  const key = configurationOf(leaves);
  const hit = byConfiguration.get(key);
  if (hit) return hit;
  const out = new Set<string>();
  for (const leaf of leaves) {
    for (const p of [leaf, ...ancestors(leaf), '']) {
      for (const ev of proc.handlers.get(p)?.keys() ?? []) out.add(ev);
    }
  }
  if (byConfiguration.size >= HANDLED_CACHE_MAX) byConfiguration.clear();
  byConfiguration.set(key, out);
  return out;
}

/** How many configurations the cache holds for `proc` (tests: the bound). */
export function handledCacheSize(proc: CompiledProcedure): number {
  return handledCache.get(proc)?.size ?? 0;
}

export interface AllowedEvent {
  type: string;
  title: I18n;
  roles: string[];
  payloadSchema: JSONSchema;
}

/** The events that may be sent now; with `roles`, only those one of these roles may send. */
export function allowedEvents(proc: CompiledProcedure, instance: Instance, roles?: string[]): AllowedEvent[] {
  if (instance.status !== 'active') return [];
  const handled = handledEvents(proc, activeLeaves(instance.stateValue));
  const out: AllowedEvent[] = [];
  for (const type of handled) {
    const def = proc.doc.events[type];
    if (!def || def.system) continue;
    if (roles && !def.roles.some((r) => roles.includes(r))) continue;
    out.push({ type, title: def.title, roles: def.roles, payloadSchema: def.payload ?? { type: 'object' } });
  }
  return out;
}
