/** validateProcedure: JSON Schema first, then semantic checks; every problem with its path. Never throws. */
import type { PackParameter, ProblemDetail, ProcedureDoc } from '../types';
import { problem } from '../errors';
import { ajvProblems, validateProcedureSchema } from './ajv';
import { checkGraph } from './graph';
import { checkRefs } from './refs';
import { checkLimits } from './limits';

export { ajvProblems, validatePackSchema, createAjv, ajv } from './ajv';
export { compileSchema, schemaCacheSize, SCHEMA_CACHE_LIMIT } from './schema-cache';
export { LIMITS, checkJsonSchema } from './limits';

export interface ValidateContext {
  parameters?: Record<string, PackParameter>;
}

/** Specific problems win over the generic schema complaint at the same place. */
function dedupe(problems: ProblemDetail[]): ProblemDetail[] {
  const specific = problems.filter((p) => p.code !== 'SCHEMA');
  return problems.filter(
    (p) => p.code !== 'SCHEMA' || !specific.some((s) => p.path === s.path || p.path.startsWith(s.path + '/')),
  );
}

export function validateProcedure(doc: unknown, ctx: ValidateContext = {}): ProblemDetail[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return [problem('/', 'SCHEMA', '流程定义必须是一个 JSON 对象', 'a procedure document must be a JSON object')];
  }
  const d = doc as ProcedureDoc;
  const structural =
    d.machine && typeof d.machine === 'object' && d.machine.states && typeof d.machine.states === 'object';
  // the limits first, by counting alone: a document past them is not looked at further (that is the work they bound)
  try {
    const limits = checkLimits(d);
    if (limits.length) return limits;
  } catch (e) {
    return [
      problem(
        '/',
        'SCHEMA',
        `流程定义结构无法解析:${(e as Error).message}`,
        `the document's structure could not be read: ${(e as Error).message}`,
      ),
    ];
  }
  const out: ProblemDetail[] = [];
  if (!validateProcedureSchema(doc)) out.push(...ajvProblems(validateProcedureSchema.errors));
  if (structural) {
    try {
      out.push(...checkGraph(d.machine, d.id ?? 'procedure'));
      out.push(...checkRefs(d, ctx.parameters));
    } catch (e) {
      out.push(
        problem(
          '/',
          'SCHEMA',
          `流程定义结构无法解析:${(e as Error).message}`,
          `the document's structure could not be read: ${(e as Error).message}`,
        ),
      );
    }
  }
  return dedupe(out);
}
