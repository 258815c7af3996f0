/** Transition commands: connect two states, retarget, change event, set the guard, delete. */
import type { GuardJSON, I18n, ProcedureDoc, TransitionJSON } from '../../../../engine/browser';
import { keyOf, ownerAt, stateAt, targetString, transitionList, writeTransitionList, type TransitionRef } from '../doc';
import { command, fail, type Command } from './stack';

export interface ConnectArgs {
  source: string;
  target: string | null;
  /** Event type; null for an automatic (eventless) transition. */
  event: string | null;
  /** When the event does not exist yet, it is created with this title. */
  newEventTitle?: I18n;
  guard?: GuardJSON;
}

function owner(doc: ProcedureDoc, source: string | null) {
  return ownerAt(doc.machine, source) ?? fail(`状态「${source}」不存在`, `state '${source}' does not exist`);
}

function transitionAt(doc: ProcedureDoc, ref: TransitionRef): { list: TransitionJSON[]; t: TransitionJSON } {
  const list = transitionList(owner(doc, ref.source), ref.event);
  const t = list[ref.index] ?? fail('流转不存在', 'the transition does not exist');
  return { list, t };
}

export function connect({ source, target, event, newEventTitle, guard }: ConnectArgs): Command {
  const to = target ? keyOf(target) : '—';
  return command(
    'connect',
    { 'zh-CN': `连接流转「${keyOf(source)}」→「${to}」`, en: `Connect '${keyOf(source)}' → '${to}'` },
    (doc) => {
      const o = owner(doc, source);
      if (stateAt(doc.machine, source)?.type === 'final')
        fail('终止状态不能有流出的流转', 'a final state cannot have outgoing transitions');
      if (target !== null && !stateAt(doc.machine, target))
        fail(`目标状态「${target}」不存在`, `target state '${target}' does not exist`);
      if (event !== null && !doc.events[event]) {
        if (!newEventTitle) fail(`事件「${event}」不存在`, `event '${event}' does not exist`);
        doc.events[event] = { title: newEventTitle!, roles: [] };
      }
      const t: TransitionJSON = {};
      if (target !== null) t.target = targetString(doc, source, target);
      if (guard !== undefined) t.guard = guard;
      const list = transitionList(o, event);
      list.push(t);
      writeTransitionList(o, event, list);
    },
  );
}

export function setTransitionTarget(ref: TransitionRef, target: string | null): Command {
  return command(
    'setTransitionTarget',
    {
      'zh-CN': `修改流转目标为「${target ? keyOf(target) : '留在本状态'}」`,
      en: `Retarget transition to '${target ?? '(stay)'}'`,
    },
    (doc) => {
      const { list, t } = transitionAt(doc, ref);
      if (target === null) delete t.target;
      else {
        if (!stateAt(doc.machine, target))
          fail(`目标状态「${target}」不存在`, `target state '${target}' does not exist`);
        t.target = targetString(doc, ref.source, target);
      }
      writeTransitionList(owner(doc, ref.source), ref.event, list);
    },
  );
}

export function setTransitionEvent(ref: TransitionRef, event: string | null): Command {
  return command(
    'setTransitionEvent',
    { 'zh-CN': `修改流转事件为「${event ?? '自动'}」`, en: `Set transition event '${event ?? 'automatic'}'` },
    (doc) => {
      if (event === ref.event) return;
      if (event !== null && !doc.events[event]) fail(`事件「${event}」不存在`, `event '${event}' does not exist`);
      const o = owner(doc, ref.source);
      const { list, t } = transitionAt(doc, ref);
      list.splice(ref.index, 1);
      writeTransitionList(o, ref.event, list);
      const next = transitionList(o, event);
      next.push(t);
      writeTransitionList(o, event, next);
    },
  );
}

/** Where a transition lands after setTransitionEvent (it is appended to the new event's list). */
export function refAfterEventChange(doc: ProcedureDoc, ref: TransitionRef, event: string | null): TransitionRef {
  const o = ownerAt(doc.machine, ref.source);
  const len = o ? transitionList(o, event).length : 0;
  return { source: ref.source, event, index: event === ref.event ? ref.index : len };
}

export function setGuard(ref: TransitionRef, guard: GuardJSON | undefined): Command {
  const shown = guard === undefined ? '无' : typeof guard === 'string' ? guard : guard.type;
  return command(
    'setGuard',
    { 'zh-CN': `设置流转条件「${shown}」`, en: `Set guard '${guard === undefined ? 'none' : shown}'` },
    (doc) => {
      const { list, t } = transitionAt(doc, ref);
      if (guard === undefined) delete t.guard;
      else t.guard = guard;
      writeTransitionList(owner(doc, ref.source), ref.event, list);
    },
  );
}

export function deleteTransition(ref: TransitionRef): Command {
  return command(
    'deleteTransition',
    { 'zh-CN': `删除流转「${ref.event ?? '自动'}」`, en: `Delete transition '${ref.event ?? 'automatic'}'` },
    (doc) => {
      const { list } = transitionAt(doc, ref);
      list.splice(ref.index, 1);
      writeTransitionList(owner(doc, ref.source), ref.event, list);
    },
  );
}

/** Moves a transition up (-1) or down (+1) in its list: order decides which guarded branch wins. */
export function reorderTransition(ref: TransitionRef, delta: -1 | 1): Command {
  return command('reorderTransition', { 'zh-CN': '调整流转顺序', en: 'Reorder transitions' }, (doc) => {
    const { list, t } = transitionAt(doc, ref);
    const j = ref.index + delta;
    if (j < 0 || j >= list.length) return;
    list[ref.index] = list[j];
    list[j] = t;
    writeTransitionList(owner(doc, ref.source), ref.event, list);
  });
}
