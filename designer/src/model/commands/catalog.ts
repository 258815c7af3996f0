/** Commands on the procedure's catalogues: events (title, roles, payload fields), roles, rules, deadlines. */
import type { DeadlineDef, EventDef, I18n, RuleDef } from '../../../../engine/browser';
import { allTransitions, guardRules } from '../../../../engine/browser';
import { withField, withoutField, type FieldSpec } from '../fields';
import { command, fail, type Command } from './stack';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const EVENT = /^[A-Z][A-Z0-9_]{0,63}$/;
const ROLE = /^[a-z][a-z0-9-]{0,63}$/;
const checkName = (name: string, what: string, whatEn: string) => {
  if (!NAME.test(name))
    fail(`${what}标识「${name}」不合规:须以字母开头,只含字母、数字、下划线`, `${whatEn} name '${name}' is invalid`);
};

export function addEvent(name: string, title: I18n, roles: string[] = []): Command {
  return command('addEvent', { 'zh-CN': `新增事件「${title['zh-CN']}」`, en: `Add event '${title.en}'` }, (doc) => {
    if (!EVENT.test(name))
      fail(
        `事件标识「${name}」不合规:须为大写字母开头,只含大写字母、数字、下划线`,
        `event name '${name}' is invalid: A-Z, 0-9, _`,
      );
    if (doc.events[name]) fail(`事件「${name}」已存在`, `event '${name}' already exists`);
    doc.events[name] = { title, roles, payload: { type: 'object', additionalProperties: false, properties: {} } };
  });
}

function eventOf(events: Record<string, EventDef>, name: string): EventDef {
  return events[name] ?? fail(`事件「${name}」不存在`, `event '${name}' does not exist`);
}

export function setEventTitle(name: string, title: I18n): Command {
  return command(
    'setEventTitle',
    { 'zh-CN': `修改事件名称「${title['zh-CN']}」`, en: `Retitle event '${title.en}'` },
    (doc) => {
      eventOf(doc.events, name).title = title;
    },
  );
}

export function setEventRoles(name: string, roles: string[]): Command {
  return command(
    'setEventRoles',
    { 'zh-CN': `设置事件「${name}」的角色`, en: `Set roles of event '${name}'` },
    (doc) => {
      eventOf(doc.events, name).roles = roles;
    },
  );
}

export function setEventSystem(name: string, system: boolean): Command {
  return command(
    'setEventSystem',
    {
      'zh-CN': `设置事件「${name}」为${system ? '' : '非'}系统事件`,
      en: `Mark event '${name}' ${system ? '' : 'not '}system`,
    },
    (doc) => {
      const ev = eventOf(doc.events, name);
      if (system) ev.system = true;
      else delete ev.system;
    },
  );
}

export function setPayloadField(event: string, field: FieldSpec, oldName?: string): Command {
  return command(
    'setPayloadField',
    { 'zh-CN': `设置事件「${event}」的字段「${field.name}」`, en: `Set field '${field.name}' of event '${event}'` },
    (doc) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field.name))
        fail(`字段名「${field.name}」不合规`, `field name '${field.name}' is invalid`);
      const ev = eventOf(doc.events, event);
      ev.payload = withField(ev.payload, field, oldName);
    },
  );
}

export function removePayloadField(event: string, name: string): Command {
  return command(
    'removePayloadField',
    { 'zh-CN': `删除事件「${event}」的字段「${name}」`, en: `Remove field '${name}' of event '${event}'` },
    (doc) => {
      const ev = eventOf(doc.events, event);
      ev.payload = withoutField(ev.payload, name);
    },
  );
}

export function deleteEvent(name: string): Command {
  return command('deleteEvent', { 'zh-CN': `删除事件「${name}」`, en: `Delete event '${name}'` }, (doc) => {
    eventOf(doc.events, name);
    if (allTransitions(doc.machine).some((t) => t.event === name))
      fail(`事件「${name}」仍被流转使用,请先删除这些流转`, `event '${name}' is still used by transitions`);
    delete doc.events[name];
  });
}

export function addRole(name: string, title: I18n): Command {
  return command('addRole', { 'zh-CN': `新增角色「${title['zh-CN']}」`, en: `Add role '${title.en}'` }, (doc) => {
    if (!ROLE.test(name))
      fail(
        `角色标识「${name}」不合规:须为小写字母开头,只含小写字母、数字、连字符`,
        `role name '${name}' is invalid: a-z, 0-9, -`,
      );
    if (doc.roles[name]) fail(`角色「${name}」已存在`, `role '${name}' already exists`);
    doc.roles[name] = { title };
  });
}

/** Adds or replaces a rule (the rule form's result). */
export function editRule(name: string, rule: RuleDef, oldName?: string): Command {
  const adding = oldName === undefined;
  const shown = { zh: rule.description?.['zh-CN'] || name, en: rule.description?.en || name };
  return command(
    adding ? 'addRule' : 'editRule',
    { 'zh-CN': `${adding ? '新增' : '编辑'}规则「${shown.zh}」`, en: `${adding ? 'Add' : 'Edit'} rule '${shown.en}'` },
    (doc) => {
      checkName(name, '规则', 'rule');
      if (adding && doc.rules[name]) fail(`规则「${name}」已存在`, `rule '${name}' already exists`);
      if (oldName !== undefined && oldName !== name) {
        if (doc.rules[name]) fail(`规则「${name}」已存在`, `rule '${name}' already exists`);
        renameRuleRefs(doc, oldName, name);
        delete doc.rules[oldName];
      }
      doc.rules[name] = rule;
    },
  );
}

function renameRuleRefs(doc: Parameters<Command['apply']>[0], from: string, to: string): void {
  const swap = (g: unknown): unknown => {
    if (g === from) return to;
    if (g && typeof g === 'object') {
      const o = g as { type: string; params?: Record<string, unknown> };
      if (Array.isArray(o.params?.rules))
        return {
          ...o,
          params: { ...o.params, rules: (o.params!.rules as string[]).map((r) => (r === from ? to : r)) },
        };
      if (o.params?.rule === from) return { ...o, params: { ...o.params, rule: to } };
    }
    return g;
  };
  for (const t of allTransitions(doc.machine))
    if (t.transition.guard !== undefined) t.transition.guard = swap(t.transition.guard) as never;
  for (const d of Object.values(doc.deadlines ?? {})) if (d.when === from) d.when = to;
  if (doc.startRules) doc.startRules = doc.startRules.map((r) => (r === from ? to : r));
}

export function deleteRule(name: string): Command {
  return command('deleteRule', { 'zh-CN': `删除规则「${name}」`, en: `Delete rule '${name}'` }, (doc) => {
    if (!doc.rules[name]) fail(`规则「${name}」不存在`, `rule '${name}' does not exist`);
    const used = allTransitions(doc.machine).some((t) => guardRules(t.transition.guard).rules.includes(name));
    if (used) fail(`规则「${name}」仍被流转条件使用,请先取消这些条件`, `rule '${name}' is still used by guards`);
    delete doc.rules[name];
  });
}

/** Adds, replaces (`def`) or removes (`def` undefined) a deadline. */
export function setDeadline(name: string, def: DeadlineDef | undefined): Command {
  const label = def
    ? { 'zh-CN': `设置期限「${def.title['zh-CN'] || name}」`, en: `Set deadline '${def.title.en || name}'` }
    : { 'zh-CN': `删除期限「${name}」`, en: `Delete deadline '${name}'` };
  return command('setDeadline', label, (doc) => {
    checkName(name, '期限', 'deadline');
    doc.deadlines = doc.deadlines ?? {};
    if (def) doc.deadlines[name] = def;
    else delete doc.deadlines[name];
  });
}
