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

export function handledEvents(proc: CompiledProcedure, leaves: string[]): Set<string> {
  const out = new Set<string>();
  for (const leaf of leaves) {
    for (const p of [leaf, ...ancestors(leaf), '']) {
      for (const ev of proc.handlers.get(p)?.keys() ?? []) out.add(ev);
    }
  }
  return out;
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
