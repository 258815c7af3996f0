/** State commands: add, retitle, rename (key), delete, make initial, make final. */
import type { I18n, StateJSON } from '../../../../engine/browser';
import { allTransitions, targetsOf } from '../../../../engine/browser';
import {
  childStates,
  keyOf,
  knownPaths,
  machineIdOf,
  ownerAt,
  parentPath,
  resolve,
  stateAt,
  transitionList,
  writeTransitionList,
} from '../doc';
import { command, fail, type Command } from './stack';

const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function checkKey(key: string): void {
  if (!KEY.test(key))
    fail(
      `状态标识「${key}」不合规:须以字母开头,只含字母、数字或下划线`,
      `state key '${key}' is invalid: letters, digits or _, starting with a letter`,
    );
}

export interface AddStateArgs {
  parent: string | null;
  key: string;
  title: I18n;
  final?: boolean;
  /** Where it goes (relative to its parent), e.g. where it was dropped; otherwise placed beside its siblings. */
  position?: { x: number; y: number };
}

export function addState({ parent, key, title, final, position }: AddStateArgs): Command {
  return command('addState', { 'zh-CN': `新增状态「${title['zh-CN']}」`, en: `Add state '${title.en}'` }, (doc) => {
    checkKey(key);
    if (parent !== null && !stateAt(doc.machine, parent))
      fail(`上级状态「${parent}」不存在`, `parent state '${parent}' does not exist`);
    const states = childStates(doc.machine, parent, true)!;
    if (states[key]) fail(`状态「${key}」已存在`, `state '${key}' already exists`);
    const node: StateJSON = { meta: { title } };
    if (final) node.type = 'final';
    states[key] = node;
    if (parent === null) {
      if (!doc.machine.initial) doc.machine.initial = key;
    } else {
      const p = stateAt(doc.machine, parent)!;
      if (p.type === 'final') delete p.type;
      if (!p.initial) p.initial = key;
    }
    if (position) {
      const path = parent ? `${parent}.${key}` : key;
      doc.layout = {
        ...(doc.layout ?? {}),
        nodes: { ...(doc.layout?.nodes ?? {}), [path]: { x: Math.round(position.x), y: Math.round(position.y) } },
      };
    }
  });
}

export function setStateTitle(path: string, title: I18n): Command {
  return command(
    'renameState',
    { 'zh-CN': `重命名状态「${title['zh-CN']}」`, en: `Rename state '${title.en}'` },
    (doc) => {
      const s = stateAt(doc.machine, path) ?? fail(`状态「${path}」不存在`, `state '${path}' does not exist`);
      s.meta = { ...(s.meta ?? {}), title };
    },
  );
}

/** Rewrites one segment of a target string when it points into the renamed state. */
function renameInTarget(target: string, resolved: string, oldPath: string, newKey: string, machineId: string): string {
  if (resolved !== oldPath && !resolved.startsWith(oldPath + '.')) return target;
  const depth = oldPath.split('.').length - 1;
  const resolvedSegs = resolved.split('.');
  let prefix = '';
  let body = target;
  if (target.startsWith('#')) {
    prefix = `#${machineId}.`;
    body = target.slice(prefix.length);
  } else if (target.startsWith('.')) {
    prefix = '.';
    body = target.slice(1);
  }
  const segs = body.split('.');
  const at = depth - (resolvedSegs.length - segs.length);
  if (at < 0) return target;
  segs[at] = newKey;
  return prefix + segs.join('.');
}

const renamePath = (p: string, oldPath: string, newPath: string) =>
  p === oldPath ? newPath : p.startsWith(oldPath + '.') ? newPath + p.slice(oldPath.length) : p;

export function renameStateKey(path: string, newKey: string): Command {
  return command(
    'renameStateKey',
    { 'zh-CN': `修改状态标识「${keyOf(path)}」→「${newKey}」`, en: `Rename state key '${keyOf(path)}' → '${newKey}'` },
    (doc, original) => {
      checkKey(newKey);
      const parent = parentPath(path);
      const oldKey = keyOf(path);
      if (oldKey === newKey) return;
      const states =
        childStates(doc.machine, parent) ?? fail(`状态「${path}」不存在`, `state '${path}' does not exist`);
      if (!states[oldKey]) fail(`状态「${path}」不存在`, `state '${path}' does not exist`);
      if (states[newKey]) fail(`状态「${newKey}」已存在`, `state '${newKey}' already exists`);
      const newPath = parent ? `${parent}.${newKey}` : newKey;
      const machineId = machineIdOf(original);
      const known = knownPaths(original.machine);
      // Targets are resolved against the original document, then rewritten in the copy.
      for (const t of allTransitions(original.machine)) {
        const targets = targetsOf(t.transition);
        if (!targets.length) continue;
        const rewritten = targets.map((tg) => {
          const r = resolve(original, t.source, tg, known);
          return r ? renameInTarget(tg, r, path, newKey, machineId) : tg;
        });
        if (rewritten.every((x, i) => x === targets[i])) continue;
        const owner = ownerAt(doc.machine, t.source)!;
        const list = transitionList(owner, t.event);
        list[t.index] = { ...list[t.index], target: Array.isArray(t.transition.target) ? rewritten : rewritten[0] };
        writeTransitionList(owner, t.event, list);
      }
      // Keep key order: rebuild the parent's states map.
      const rebuilt: Record<string, StateJSON> = {};
      for (const [k, v] of Object.entries(states)) rebuilt[k === oldKey ? newKey : k] = v;
      if (parent === null) {
        doc.machine.states = rebuilt;
        if (doc.machine.initial === oldKey) doc.machine.initial = newKey;
      } else {
        const p = stateAt(doc.machine, parent)!;
        p.states = rebuilt;
        if (p.initial === oldKey) p.initial = newKey;
      }
      for (const d of Object.values(doc.deadlines ?? {})) if (d?.state) d.state = renamePath(d.state, path, newPath);
      // the figures name states too (metrics.resolution, metrics.handoff: FORMAT.md)
      if (doc.metrics?.resolution)
        doc.metrics.resolution.states = doc.metrics.resolution.states.map((s) => renamePath(s, path, newPath));
      if (doc.metrics?.handoff) doc.metrics.handoff.state = renamePath(doc.metrics.handoff.state, path, newPath);
      if (doc.layout?.nodes) {
        doc.layout.nodes = Object.fromEntries(
          Object.entries(doc.layout.nodes).map(([k, v]) => [renamePath(k, path, newPath), v]),
        );
      }
    },
  );
}

const inside = (p: string, root: string) => p === root || p.startsWith(root + '.');

export function deleteState(path: string, title?: I18n): Command {
  const name = title?.['zh-CN'] || keyOf(path);
  return command(
    'deleteState',
    { 'zh-CN': `删除状态「${name}」`, en: `Delete state '${title?.en || keyOf(path)}'` },
    (doc, original) => {
      const parent = parentPath(path);
      const states = childStates(doc.machine, parent);
      const key = keyOf(path);
      if (!states || !states[key]) return fail(`状态「${path}」不存在`, `state '${path}' does not exist`);
      const known = knownPaths(original.machine);
      // Transitions into the deleted subtree go too (walk the original, edit the copy from the end).
      const doomed = allTransitions(original.machine).filter(
        (t) =>
          (t.source === null || !inside(t.source, path)) &&
          targetsOf(t.transition).some((tg) => {
            const r = resolve(original, t.source, tg, known);
            return r !== null && inside(r, path);
          }),
      );
      for (const t of doomed.reverse()) {
        const owner = ownerAt(doc.machine, t.source);
        if (!owner) continue;
        const list = transitionList(owner, t.event);
        list.splice(t.index, 1);
        writeTransitionList(owner, t.event, list);
      }
      delete states[key];
      const remaining = Object.keys(states);
      if (parent === null) {
        if (doc.machine.initial === key) {
          if (remaining.length) doc.machine.initial = remaining[0];
          else delete doc.machine.initial;
        }
      } else {
        const p = stateAt(doc.machine, parent)!;
        if (remaining.length === 0) {
          delete p.states;
          delete p.initial;
        } else if (p.initial === key) p.initial = remaining[0];
      }
      for (const [n, d] of Object.entries(doc.deadlines ?? {}))
        if (d?.state && inside(d.state, path)) delete doc.deadlines[n];
      // figures that name the deleted state lose it (the hand-off figure, or a resolved state)
      if (doc.metrics?.resolution) {
        doc.metrics.resolution.states = doc.metrics.resolution.states.filter((s) => !inside(s, path));
        if (!doc.metrics.resolution.states.length) delete doc.metrics.resolution;
      }
      if (doc.metrics?.handoff && inside(doc.metrics.handoff.state, path)) delete doc.metrics.handoff;
      if (doc.layout?.nodes)
        for (const k of Object.keys(doc.layout.nodes)) if (inside(k, path)) delete doc.layout.nodes[k];
    },
  );
}

export function setInitial(path: string): Command {
  return command(
    'setInitial',
    { 'zh-CN': `设为初始状态「${keyOf(path)}」`, en: `Make '${keyOf(path)}' initial` },
    (doc) => {
      const parent = parentPath(path);
      if (!stateAt(doc.machine, path)) fail(`状态「${path}」不存在`, `state '${path}' does not exist`);
      if (parent === null) doc.machine.initial = keyOf(path);
      else stateAt(doc.machine, parent)!.initial = keyOf(path);
    },
  );
}

export function setFinal(path: string, final: boolean): Command {
  return command(
    'setFinal',
    final
      ? { 'zh-CN': `设为终止状态「${keyOf(path)}」`, en: `Make '${keyOf(path)}' final` }
      : { 'zh-CN': `取消终止状态「${keyOf(path)}」`, en: `Make '${keyOf(path)}' non-final` },
    (doc) => {
      const s = stateAt(doc.machine, path) ?? fail(`状态「${path}」不存在`, `state '${path}' does not exist`);
      if (final) s.type = 'final';
      else delete s.type;
    },
  );
}

export function setStateRoles(path: string, roles: string[]): Command {
  return command(
    'setStateRoles',
    { 'zh-CN': `设置状态「${keyOf(path)}」的办理角色`, en: `Set roles of state '${keyOf(path)}'` },
    (doc) => {
      const s = stateAt(doc.machine, path) ?? fail(`状态「${path}」不存在`, `state '${path}' does not exist`);
      s.meta = { ...(s.meta ?? {}), roles };
      if (!roles.length) delete s.meta.roles;
    },
  );
}
