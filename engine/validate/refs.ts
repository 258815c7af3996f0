/** Semantic checks on names: guards → rules, events, roles, deadlines, actions, facts, operators, parameters, code. */
import type { ActionJSON, PackParameter, ProblemDetail, ProcedureDoc } from '../types';
import { pointer, problem } from '../errors';
import { allTransitions, guardRules, walkStates } from '../machine';
// the rule files themselves, not '../rules' (which brings json-rules-engine): validation runs in the browser too
import { ALL_FACTS } from '../rules/facts';
import { ALL_OPERATORS } from '../rules/operators';
import { collectParamRefs } from '../rules/params';
import { isValidPath } from '../rules/path';
import { ACTION_TYPES, GUARD_COMBINATORS, PROCEDURE_SCHEMA_ID } from '../schema';
import { ACTIONS } from '../actions';
import { compileSchema } from './schema-cache';
import { ajv, ajvProblems } from './ajv';
import { basisBoundaries, checkBasis } from '../basis';
import { own } from '../ids';
import { LIMITS, checkJsonSchema } from './limits';

const arr = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const CODE_LIKE = /=>|\bfunction\b|[(){};]|\beval\b|\brequire\b/;

export function checkRefs(doc: ProcedureDoc, parameters?: Record<string, PackParameter>): ProblemDetail[] {
  const out: ProblemDetail[] = [];
  const rules = doc.rules ?? {};
  const events = doc.events ?? {};
  const deadlines = doc.deadlines ?? {};
  const roles = new Set(Object.keys(doc.roles ?? {}));
  const states = walkStates(doc.machine);
  const statePaths = new Set(states.map((s) => s.path));
  const usedEvents = new Set<string>();
  // the document's schemas are all counted and checked first; only if together within the limits is any compiled
  const budget = schemaBudget(doc);

  const checkGuard = (guard: unknown, ptr: string) => {
    if (typeof guard === 'string' && CODE_LIKE.test(guard)) {
      out.push(
        problem(
          ptr,
          'CODE_NOT_ALLOWED',
          '条件只能引用规则名称,不能写代码',
          'a guard may only name a rule, never contain code',
        ),
      );
      return;
    }
    const g = guardRules(guard);
    if (
      g.type === null &&
      typeof guard === 'object' &&
      guard &&
      (GUARD_COMBINATORS as readonly string[]).includes((guard as { type: string }).type)
    )
      return;
    for (const r of g.rules) {
      if (!own(rules, r))
        out.push(
          problem(ptr, 'UNKNOWN_RULE', `条件引用的规则「${r}」不存在`, `guard names rule '${r}', which does not exist`),
        );
    }
  };

  const checkActions = (actions: ActionJSON | ActionJSON[] | undefined, ptr: string) => {
    if (actions === undefined) return;
    const list = Array.isArray(actions) ? actions : [actions];
    const many = Array.isArray(actions);
    list.forEach((a, i) => {
      const p = many ? `${ptr}/${i}` : ptr;
      const type = typeof a === 'string' ? a : a?.type;
      if (typeof type === 'string' && CODE_LIKE.test(type)) {
        out.push(
          problem(
            p,
            'CODE_NOT_ALLOWED',
            '动作只能使用内置动作,不能写代码',
            'an action may only be a built-in action, never code',
          ),
        );
        return;
      }
      if (typeof type !== 'string' || !ACTIONS.has(type)) {
        out.push(
          problem(
            p,
            'UNKNOWN_ACTION',
            `未知的动作类型「${type}」(可用:${ACTION_TYPES.join('、')})`,
            `unknown action type '${type}' (available: ${ACTION_TYPES.join(', ')})`,
          ),
        );
        return;
      }
      const params = (typeof a === 'object' ? a.params : undefined) ?? {};
      out.push(...checkActionParams(type, params, p, doc));
    });
  };

  for (const t of allTransitions(doc.machine)) {
    if (t.event !== null) {
      usedEvents.add(t.event);
      if (!own(events, t.event))
        out.push(
          problem(
            t.pointer,
            'UNDEFINED_EVENT',
            `流转使用的事件「${t.event}」未定义`,
            `transition uses event '${t.event}', which is not defined in events`,
          ),
        );
    }
    if (t.transition.guard !== undefined) checkGuard(t.transition.guard, `${t.pointer}/guard`);
    checkActions(t.transition.actions, `${t.pointer}/actions`);
  }
  for (const s of states) {
    checkActions(s.node.entry, `${s.pointer}/entry`);
    checkActions(s.node.exit, `${s.pointer}/exit`);
    if ('after' in s.node)
      out.push(
        problem(
          `${s.pointer}/after`,
          'DELAYS_NOT_ALLOWED',
          '不支持 after 定时流转,请使用期限(deadlines)',
          "'after' delays are not supported: use deadlines",
        ),
      );
    if ('invoke' in s.node)
      out.push(
        problem(
          `${s.pointer}/invoke`,
          'CODE_NOT_ALLOWED',
          '不允许调用外部服务(invoke)',
          "'invoke' is not allowed: procedures cannot run code",
        ),
      );
    for (const r of arr(s.node.meta?.roles)) {
      if (!roles.has(r))
        out.push(
          problem(`${s.pointer}/meta/roles`, 'UNKNOWN_ROLE', `角色「${r}」未定义`, `role '${r}' is not defined`),
        );
    }
  }

  for (const [i, r] of arr(doc.cancelRoles).entries()) {
    if (!roles.has(r))
      out.push(
        problem(
          pointer('cancelRoles', i),
          'UNKNOWN_ROLE',
          `撤销角色「${r}」未定义`,
          `cancel role '${r}' is not defined`,
        ),
      );
  }
  for (const [name, ev] of Object.entries(events)) {
    const ptr = pointer('events', name);
    for (const r of arr(ev?.roles)) {
      if (!roles.has(r))
        out.push(
          problem(
            `${ptr}/roles`,
            'UNKNOWN_ROLE',
            `事件「${name}」的角色「${r}」未定义`,
            `role '${r}' of event '${name}' is not defined`,
          ),
        );
    }
    arr(ev?.payloadRules).forEach((r, i) => {
      if (!rules[r])
        out.push(
          problem(
            `${ptr}/payloadRules/${i}`,
            'UNKNOWN_RULE',
            `事件「${name}」的内容规则「${r}」不存在`,
            `payload rule '${r}' of event '${name}' does not exist`,
          ),
        );
    });
    if (!usedEvents.has(name))
      out.push(
        problem(
          ptr,
          'UNUSED_EVENT',
          `事件「${name}」没有被任何流转使用`,
          `event '${name}' is not used by any transition`,
        ),
      );
    if (ev?.payload) out.push(...checkSchema(ev.payload, `${ptr}/payload`, budget));
  }
  if (doc.data) out.push(...checkSchema(doc.data, '/data', budget));
  if (budget.nodes > LIMITS.schemaNodesTotal) {
    out.push(
      problem(
        '/',
        'SCHEMA_LIMIT',
        `数据结构定义合计过大(${budget.nodes} 个子结构,上限 ${LIMITS.schemaNodesTotal})`,
        `the document's JSON Schemas are too large together (${budget.nodes} subschemas, at most ${LIMITS.schemaNodesTotal})`,
      ),
    );
  }

  for (const [name, d] of Object.entries(deadlines)) {
    const ptr = pointer('deadlines', name);
    if (!d || typeof d !== 'object') continue;
    out.push(...checkBasis(d.basis, `${ptr}/basis`));
    if (!statePaths.has(d.state))
      out.push(
        problem(
          `${ptr}/state`,
          'UNKNOWN_STATE',
          `期限「${name}」所属的状态「${d.state}」不存在`,
          `deadline '${name}' names state '${d.state}', which does not exist`,
        ),
      );
    if (d.when && !own(rules, d.when))
      out.push(
        problem(
          `${ptr}/when`,
          'UNKNOWN_RULE',
          `期限条件引用的规则「${d.when}」不存在`,
          `deadline condition names rule '${d.when}', which does not exist`,
        ),
      );
    const ev = d.onExpiry?.event;
    if (ev && !own(events, ev))
      out.push(
        problem(
          `${ptr}/onExpiry/event`,
          'UNDEFINED_EVENT',
          `到期事件「${ev}」未定义`,
          `expiry event '${ev}' is not defined`,
        ),
      );
    else if (ev && !own(events, ev)!.system)
      out.push(
        problem(
          `${ptr}/onExpiry/event`,
          'NOT_SYSTEM_EVENT',
          `到期事件「${ev}」须标记为系统事件(system)`,
          `expiry event '${ev}' must be marked system`,
        ),
      );
  }

  const sat = doc.metrics?.satisfaction;
  if (sat) {
    if (!own(events, sat.event))
      out.push(
        problem(
          '/metrics/satisfaction/event',
          'UNDEFINED_EVENT',
          `满意度统计引用的事件「${sat.event}」未定义`,
          `the satisfaction metric names event '${sat.event}', which is not defined`,
        ),
      );
    for (const k of ['satisfied', 'total'] as const) {
      const path = sat[k];
      if (path !== undefined && !isValidPath(path))
        out.push(
          problem(
            `/metrics/satisfaction/${k}`,
            'BAD_PATH',
            `路径「${path}」格式不正确(例如 $.satisfied)`,
            `path '${path}' is malformed (e.g. $.satisfied)`,
          ),
        );
    }
  }
  doc.metrics?.resolution?.states?.forEach((st, i) => {
    if (!statePaths.has(st))
      out.push(
        problem(
          `/metrics/resolution/states/${i}`,
          'UNKNOWN_STATE',
          `化解统计引用的状态「${st}」不存在`,
          `the resolution metric names state '${st}', which does not exist`,
        ),
      );
  });
  const handoff = doc.metrics?.handoff?.state;
  if (handoff !== undefined && !statePaths.has(handoff))
    out.push(
      problem(
        '/metrics/handoff/state',
        'UNKNOWN_STATE',
        `移交统计引用的状态「${handoff}」不存在`,
        `the hand-off metric names state '${handoff}', which does not exist`,
      ),
    );
  arr(doc.startRules).forEach((r, i) => {
    if (!own(rules, r))
      out.push(
        problem(
          `/startRules/${i}`,
          'UNKNOWN_RULE',
          `立案条件引用的规则「${r}」不存在`,
          `start rule '${r}' does not exist`,
        ),
      );
  });
  arr(doc.dataRules).forEach((r, i) => {
    if (!rules[r])
      out.push(
        problem(`/dataRules/${i}`, 'UNKNOWN_RULE', `立案数据规则「${r}」不存在`, `data rule '${r}' does not exist`),
      );
  });
  for (const [name, rule] of Object.entries(rules)) {
    if ((GUARD_COMBINATORS as readonly string[]).includes(name))
      out.push(
        problem(pointer('rules', name), 'RESERVED_NAME', `「${name}」是保留名称`, `'${name}' is a reserved name`),
      );
    walkConditions(rule?.conditions, `${pointer('rules', name)}/conditions`, out);
    out.push(...checkBasis(rule?.basis, `${pointer('rules', name)}/basis`));
    out.push(...checkDateTests(rule, pointer('rules', name)));
  }

  if (parameters) {
    for (const ref of collectParamRefs({ rules, deadlines, machine: doc.machine })) {
      if (!(ref.name in parameters))
        out.push(
          problem(
            ref.path,
            'UNKNOWN_PARAMETER',
            `参数「${ref.name}」未在配置包中定义`,
            `parameter '${ref.name}' is not defined by the pack`,
          ),
        );
    }
  }
  return out;
}

/** The literal dates a rule compares the step's date (`today`) with, e.g. 2026-01-01 in a test that changed with the law. */
function todayTests(c: unknown, out: string[] = []): string[] {
  if (!c || typeof c !== 'object') return out;
  const cond = c as Record<string, unknown>;
  for (const key of ['all', 'any'] as const)
    if (Array.isArray(cond[key])) (cond[key] as unknown[]).forEach((x) => todayTests(x, out));
  if (cond.not) todayTests(cond.not, out);
  if (cond.fact === 'today' && typeof cond.value === 'string') out.push(cond.value);
  return out;
}

/**
 * A rule whose test changes on a date (it compares `today` with a literal date) cites the law of each side:
 * its basis must have versions that change on that date, so a step's history names the text it was judged by.
 */
function checkDateTests(rule: { basis?: unknown; conditions?: unknown } | undefined, ptr: string): ProblemDetail[] {
  if (!rule) return [];
  const dates = [...new Set(todayTests(rule.conditions))];
  if (!dates.length) return [];
  const bounds = Array.isArray(rule.basis) ? basisBoundaries(rule.basis as never) : [];
  return dates
    .filter((d) => !bounds.includes(d))
    .map((d) =>
      problem(
        `${ptr}/basis`,
        'BASIS_NOT_DATED',
        `规则按当日是否早于 ${d} 适用不同的检验,其依据须分版本并在 ${d} 换版(from/until)`,
        `the rule applies a different test before and after ${d}: its basis must have versions that change on ${d} (from/until)`,
      ),
    );
}

/** Every JSON Schema of the document (start data, event payloads), checked and counted before any is compiled. */
function schemaBudget(doc: ProcedureDoc): { nodes: number; checked: Map<unknown, ProblemDetail[]> } {
  const checked = new Map<unknown, ProblemDetail[]>();
  let nodes = 0;
  const add = (schema: unknown, ptr: string) => {
    const r = checkJsonSchema(schema, ptr);
    nodes += r.nodes;
    checked.set(schema, r.problems);
  };
  for (const [name, ev] of Object.entries(doc.events ?? {}))
    if (ev?.payload) add(ev.payload, `${pointer('events', name)}/payload`);
  if (doc.data) add(doc.data, '/data');
  return { nodes, checked };
}

function checkSchema(schema: unknown, ptr: string, budget: ReturnType<typeof schemaBudget>): ProblemDetail[] {
  // checked before compiling: what is refused here is never handed to ajv
  const problems = budget.checked.get(schema) ?? checkJsonSchema(schema, ptr).problems;
  if (problems.length || budget.nodes > LIMITS.schemaNodesTotal) return problems;
  try {
    compileSchema(schema as object);
    return [];
  } catch (e) {
    return [
      problem(
        ptr,
        'BAD_SCHEMA',
        `数据结构定义无效:${(e as Error).message}`,
        `invalid JSON Schema: ${(e as Error).message}`,
      ),
    ];
  }
}

function walkConditions(c: unknown, ptr: string, out: ProblemDetail[]): void {
  if (!c || typeof c !== 'object') return;
  const cond = c as Record<string, unknown>;
  for (const key of ['all', 'any'] as const) {
    if (Array.isArray(cond[key]))
      (cond[key] as unknown[]).forEach((x, i) => walkConditions(x, `${ptr}/${key}/${i}`, out));
  }
  if (cond.not) walkConditions(cond.not, `${ptr}/not`, out);
  if (typeof cond.fact === 'string') {
    if (!ALL_FACTS.has(cond.fact))
      out.push(problem(`${ptr}/fact`, 'UNKNOWN_FACT', `未知的事实「${cond.fact}」`, `unknown fact '${cond.fact}'`));
    if (typeof cond.operator === 'string' && !ALL_OPERATORS.has(cond.operator))
      out.push(
        problem(
          `${ptr}/operator`,
          'UNKNOWN_OPERATOR',
          `未知的运算符「${cond.operator}」`,
          `unknown operator '${cond.operator}'`,
        ),
      );
    if (typeof cond.path === 'string' && !isValidPath(cond.path))
      out.push(problem(`${ptr}/path`, 'BAD_PATH', `路径「${cond.path}」无效`, `path '${cond.path}' is invalid`));
    const v = cond.value as Record<string, unknown> | undefined;
    if (v && typeof v === 'object' && typeof v.fact === 'string' && !ALL_FACTS.has(v.fact)) {
      out.push(problem(`${ptr}/value/fact`, 'UNKNOWN_FACT', `未知的事实「${v.fact}」`, `unknown fact '${v.fact}'`));
    }
  }
}

/**
 * An action's params against its registered schema (`$defs/actionParams/<type>` of the procedure schema), with the
 * action's example in the message, then the names they refer to (`check`).
 */
function checkActionParams(type: string, params: unknown, ptr: string, doc: ProcedureDoc): ProblemDetail[] {
  const action = ACTIONS.get(type)!;
  const validate = ajv.getSchema(`${PROCEDURE_SCHEMA_ID}#/$defs/actionParams/${type}`)!;
  const example = JSON.stringify(action.doc.example);
  if (!validate(params)) {
    return ajvProblems(validate.errors, `${ptr}/params`).map((p) =>
      problem(
        p.path,
        'ACTION_PARAMS',
        `${type} 动作的参数不正确:${p.message['zh-CN']}(例如 ${example})`,
        `action '${type}' has wrong params: ${p.message.en} (e.g. ${example})`,
      ),
    );
  }
  return (action.check?.(params as Record<string, unknown>, doc) ?? []).map((p) => ({
    path: `${ptr}/params${p.path}`,
    code: p.code,
    message: p.message,
  }));
}
