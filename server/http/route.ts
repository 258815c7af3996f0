/**
 * Mounts an operation of the contract (server/contract/operations.ts) on the router: the query is checked against
 * its schema (unknown parameters are 400), the JSON body against its own, and the handler's answer is typed by the
 * operation's responses. Handlers translate: they call a service and shape its answer; they do no data work.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Static, TSchema } from '@sinclair/typebox';
import type { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ajvProblems, createAjv } from '../../engine';
import type { InstanceBody, Operation } from '../contract';
import { Instance } from '../contract/instances';
import { instanceJson } from '../cases/view';
import { fail } from '../errors';
import { readJson } from './body';

const ajv = createAjv();
/** Query strings are text: integers and booleans are read from it. */
const queryAjv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true, coerceTypes: true });
(addFormats as unknown as (a: Ajv2020) => void)(queryAjv);
const compiled = new WeakMap<object, ValidateFunction>();

function validator(schema: TSchema, forQuery = false): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = (forQuery ? queryAjv : ajv).compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

type StaticOf<S> = S extends TSchema ? Static<S> : undefined;

export type Reply<O extends Operation> = {
  [K in keyof O['responses']]: {
    status: K;
    body: O['responses'][K] extends { schema: infer S } ? StaticOf<S> : undefined;
  };
}[keyof O['responses']];

export interface Input<O extends Operation> {
  query: StaticOf<O['query']>;
  body: O['bodyCheck'] extends 'none'
    ? unknown
    : O['bodyOptional'] extends true
      ? StaticOf<O['body']> | undefined
      : StaticOf<O['body']>;
  params: Record<string, string>;
}

/** Checks a JSON value against a schema of the contract; a mismatch is `code` with every problem. */
export function check<S extends TSchema>(
  schema: S,
  value: unknown,
  base: string,
  code: 'BAD_REQUEST' | 'INVALID_DEFINITION' = 'BAD_REQUEST',
): Static<S> {
  const v = validator(schema);
  if (!v(value))
    throw fail(code, '请求内容不符合要求', 'the request does not match its schema', ajvProblems(v.errors, base));
  return value as Static<S>;
}

/** Operations whose query schema accepts no parameters at all (checked once): a request without a query needs no check. */
const emptyQueryOk = new WeakMap<Operation, boolean>();

function readQuery(op: Operation, ctx: Context): unknown {
  if (!op.query) return {};
  if (ctx.querystring === '') {
    let ok = emptyQueryOk.get(op);
    if (ok === undefined) emptyQueryOk.set(op, (ok = validator(op.query, true)({}) as boolean));
    if (ok) return {};
  }
  const q: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ctx.query)) q[k] = v;
  const v = validator(op.query, true);
  if (!v(q)) {
    const problems = ajvProblems(v.errors, '/query');
    const names = problems.map((p) => p.path.split('/')[2]).filter(Boolean);
    throw fail(
      'BAD_REQUEST',
      `查询参数有误:${names.join('、')}`,
      `bad query parameter(s): ${names.join(', ')}`,
      problems,
    );
  }
  return q;
}

/** Registers `op` with `handler`. The Koa path is the OpenAPI template with `{x}` written `:x`. */
export function mount<O extends Operation>(
  r: Router,
  op: O,
  handler: NoInfer<(ctx: Context, input: Input<O>) => Reply<O> | Promise<Reply<O>>>,
): void {
  const path = op.path.replace(/\{(\w+)\}/g, ':$1');
  // answers that are a case: written by instanceJson (the same text as Koa's JSON.stringify, the allowed events from
  // their kept text), sent as a string: node writes a small string to the socket without an ArrayBuffer of its own,
  // where a Buffer above 4 KB (not from node's pool) was one more block of external memory per answer, and external
  // memory's growth is what starts V8's full collections flagged "external memory" (bench/PROFILE.md, "Old-generation
  // collections at 300,000 cases")
  const caseAnswers = new Set(
    Object.entries(op.responses)
      .filter(([, def]) => def.schema === Instance)
      .map(([status]) => Number(status)),
  );
  r[op.method](op.operationId, path, async (ctx) => {
    const query = readQuery(op, ctx);
    let body: unknown;
    if (op.body) {
      const raw = await readJson(ctx);
      if (raw === undefined && !op.bodyOptional) throw fail('BAD_REQUEST', '缺少请求体', 'the request body is missing');
      body =
        raw === undefined || op.bodyCheck === 'none' ? raw : check(op.body, raw, '', op.bodyCheck ?? 'BAD_REQUEST');
    }
    const reply = await handler(ctx, { query, body, params: ctx.params } as Input<O>);
    ctx.status = Number(reply.status);
    if (reply.body === undefined) return;
    if (caseAnswers.has(ctx.status)) {
      ctx.type = 'application/json';
      ctx.body = instanceJson(reply.body as InstanceBody);
    } else ctx.body = reply.body;
  });
}
