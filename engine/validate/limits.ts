/**
 * Limits on what a definition may ask of the server (DESIGN.md decision 9): how big its statechart and its JSON
 * Schemas may be (compiling them is work done on the server's event loop), and the schema constructs that make
 * validation unbounded — recursion (`$ref` cycles, `$ref: "#"`), dynamic references, `uniqueItems` over arrays of
 * objects without a small `maxItems` (ajv compares those pairwise). Patterns run on RE2 (see ajv.ts), so they cannot
 * backtrack; one RE2 cannot compile is refused when the schema is compiled.
 *
 * The figures are well above what the bundled procedures use (9 states, ≤ 25 nodes per schema, ≤ 70 per document)
 * and low enough that compiling a document's schemas stays within tens of milliseconds.
 */
import type { ProblemDetail, ProcedureDoc } from '../types';
import { problem } from '../errors';
import { allTransitions, walkStates } from '../machine';

export const LIMITS = {
  states: 200,
  transitions: 1000,
  events: 100,
  rules: 200,
  deadlines: 100,
  /** Subschemas (every schema object, properties included) in one JSON Schema… */
  schemaNodes: 200,
  /** …and in all the schemas of one document (start data and every event payload). */
  schemaNodesTotal: 400,
  /** `uniqueItems` over items that are not all scalars needs `maxItems` at most this. */
  uniqueItemsMaxItems: 100,
  patternLength: 500,
} as const;

const MAP_OF_SCHEMAS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const ONE_SCHEMA = [
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'additionalItems',
];
const LIST_OF_SCHEMAS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const REFUSED = ['$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor', '$id', '$anchor'];
const SCALAR = new Set(['string', 'number', 'integer', 'boolean', 'null']);

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Problems of one JSON Schema inside a definition (`ptr` is where it sits in the document); `nodes` counts subschemas. */
export function checkJsonSchema(schema: unknown, ptr: string): { problems: ProblemDetail[]; nodes: number } {
  const out: ProblemDetail[] = [];
  const refs: { at: string; target: string }[] = [];
  let nodes = 0;
  // the walk stops at the limit: a schema of 20,000 properties costs what one of 200 does
  const visit = (s: unknown, at: string) => {
    if (!isObj(s) || nodes > LIMITS.schemaNodes) return;
    if (++nodes > LIMITS.schemaNodes) return;
    for (const k of REFUSED) {
      if (k in s)
        out.push(problem(`${ptr}${at}/${esc(k)}`, 'SCHEMA_REFUSED', `不支持 ${k}`, `'${k}' is not supported`));
    }
    if ('$ref' in s) {
      const r = s.$ref;
      if (typeof r !== 'string' || !(r === '#' || r.startsWith('#/'))) {
        out.push(
          problem(
            `${ptr}${at}/$ref`,
            'SCHEMA_REFUSED',
            '只支持本文档内的引用($ref 以 #/ 开头)',
            "only references within the schema are supported ('$ref' starting with #/)",
          ),
        );
      } else {
        refs.push({ at, target: decodeURIComponent(r.slice(1)) });
      }
    }
    if (s.uniqueItems === true) {
      const types = isObj(s.items) ? ([] as unknown[]).concat(s.items.type ?? []) : [];
      const scalar = types.length > 0 && types.every((t) => typeof t === 'string' && SCALAR.has(t));
      if (!scalar && !(typeof s.maxItems === 'number' && s.maxItems <= LIMITS.uniqueItemsMaxItems)) {
        out.push(
          problem(
            `${ptr}${at}/uniqueItems`,
            'SCHEMA_LIMIT',
            `uniqueItems 只能用于元素为简单类型的数组,或 maxItems 不超过 ${LIMITS.uniqueItemsMaxItems} 的数组`,
            `uniqueItems needs items of a scalar type, or maxItems of at most ${LIMITS.uniqueItemsMaxItems}`,
          ),
        );
      }
    }
    if (typeof s.pattern === 'string' && s.pattern.length > LIMITS.patternLength) {
      out.push(
        problem(
          `${ptr}${at}/pattern`,
          'SCHEMA_LIMIT',
          `正则表达式过长(上限 ${LIMITS.patternLength} 个字符)`,
          `the pattern is too long (at most ${LIMITS.patternLength} characters)`,
        ),
      );
    }
    for (const k of MAP_OF_SCHEMAS) {
      if (!isObj(s[k])) continue;
      for (const name in s[k] as object) {
        if (nodes > LIMITS.schemaNodes) break;
        if (Object.hasOwn(s[k] as object, name))
          visit((s[k] as Record<string, unknown>)[name], `${at}/${k}/${esc(name)}`);
      }
    }
    for (const k of ONE_SCHEMA) if (isObj(s[k])) visit(s[k], `${at}/${k}`);
    for (const k of LIST_OF_SCHEMAS) {
      if (!Array.isArray(s[k])) continue;
      const list = s[k] as unknown[];
      for (let i = 0; i < list.length && nodes <= LIMITS.schemaNodes; i++) visit(list[i], `${at}/${k}/${i}`);
    }
  };
  visit(schema, '');
  if (nodes > LIMITS.schemaNodes) {
    return {
      problems: [
        problem(
          ptr,
          'SCHEMA_LIMIT',
          `数据结构定义过大(上限 ${LIMITS.schemaNodes} 个子结构)`,
          `the JSON Schema is too large (at most ${LIMITS.schemaNodes} subschemas)`,
        ),
      ],
      nodes,
    };
  }
  // recursion: expanding a schema must never come back to a schema being expanded
  const inside = (target: string) => refs.filter((r) => r.at === target || r.at.startsWith(target + '/'));
  const done = new Set<string>();
  const stack = new Set<string>();
  let cycle: string | null = null;
  const expand = (target: string) => {
    if (cycle !== null || done.has(target)) return;
    if (stack.has(target)) {
      cycle = target;
      return;
    }
    stack.add(target);
    for (const r of inside(target)) expand(r.target);
    stack.delete(target);
    done.add(target);
  };
  expand('');
  if (cycle !== null) {
    out.push(
      problem(
        `${ptr}${cycle === '' ? '' : cycle}`,
        'SCHEMA_REFUSED',
        '数据结构定义不能递归引用自身($ref 循环)',
        'the JSON Schema may not refer to itself recursively (a $ref cycle)',
      ),
    );
  }
  return { problems: out, nodes };
}

/** Size limits of a procedure document. */
export function checkLimits(doc: ProcedureDoc): ProblemDetail[] {
  const out: ProblemDetail[] = [];
  const count = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v).length : 0);
  const over = (path: string, what: { zh: string; en: string }, n: number, max: number) => {
    if (n > max)
      out.push(
        problem(path, 'LIMIT', `${what.zh}过多(${n},上限 ${max})`, `too many ${what.en} (${n}, at most ${max})`),
      );
  };
  const machine =
    doc.machine && typeof doc.machine === 'object' && doc.machine.states && typeof doc.machine.states === 'object'
      ? doc.machine
      : null;
  if (machine) {
    over('/machine', { zh: '状态', en: 'states' }, walkStates(machine).length, LIMITS.states);
    if (!out.length)
      over('/machine', { zh: '流转', en: 'transitions' }, allTransitions(machine).length, LIMITS.transitions);
  }
  over('/events', { zh: '事件', en: 'events' }, count(doc.events), LIMITS.events);
  over('/rules', { zh: '规则', en: 'rules' }, count(doc.rules), LIMITS.rules);
  over('/deadlines', { zh: '期限', en: 'deadlines' }, count(doc.deadlines), LIMITS.deadlines);
  return out;
}
