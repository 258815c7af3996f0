/** Given the shared corpus of broken procedure documents, validation names each problem by code and JSON path. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compileProcedure,
  DefinitionError,
  validateProcedure,
  type ProcedureDoc,
  type ResolvedPack,
} from '../../engine';

const dir = join(import.meta.dirname, 'fixtures', 'broken');
const valid = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'valid-small.json'), 'utf8'));
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, ...JSON.parse(readFileSync(join(dir, f), 'utf8')) }));

describe('procedure validation', () => {
  it('given the valid base document, when validated, then there is no problem', () => {
    expect(validateProcedure(valid.doc, { parameters: valid.parameters })).toEqual([]);
  });

  it('has a corpus of at least 15 broken documents covering at least 15 kinds of problem', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
    expect(new Set(cases.map((c) => c.expect.code)).size).toBeGreaterThanOrEqual(15);
  });

  for (const c of cases) {
    it(`given ${c.file} (${c.description}), then ${c.expect.code} at ${c.expect.path}`, () => {
      let problems: ReturnType<typeof validateProcedure> = [];
      expect(() => {
        problems = validateProcedure(c.doc, { parameters: valid.parameters });
      }).not.toThrow();
      const hit = problems.find((p) => p.code === c.expect.code && p.path === c.expect.path);
      expect(hit, `problems: ${JSON.stringify(problems.map((p) => [p.code, p.path]))}`).toBeDefined();
      expect(hit!.message['zh-CN'].length).toBeGreaterThan(0);
      expect(hit!.message.en.length).toBeGreaterThan(0);
    });
  }

  it('given a broken document, when compiled, then it is refused with every problem and nothing runs', () => {
    const broken = cases.find((c) => c.expect.code === 'CODE_NOT_ALLOWED')!.doc as ProcedureDoc;
    const pack = {
      id: 'p',
      parameters: valid.parameters,
      calendar: { years: [2025], holidays: [], workdays: [] },
      data: {},
    } as unknown as ResolvedPack;
    let error: unknown;
    try {
      compileProcedure(broken, pack);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).problems.some((p) => p.code === 'CODE_NOT_ALLOWED')).toBe(true);
  });

  it('given garbage instead of a document, then problems are returned, not thrown', () => {
    for (const junk of [null, 42, 'x', [], { machine: 5 }, { machine: { states: { a: { on: 7 } } } }]) {
      expect(() => validateProcedure(junk)).not.toThrow();
      expect(validateProcedure(junk).length).toBeGreaterThan(0);
    }
  });

  it('reports every problem of a document with several, not only the first', () => {
    const doc = structuredClone(valid.doc);
    doc.machine.states.draft.on.SUBMIT.target = 'nowhere';
    doc.machine.states.review.on.APPROVE.guard = 'missingRule';
    doc.events.APPROVE.roles = ['nobody'];
    const codes = validateProcedure(doc, { parameters: valid.parameters }).map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['UNKNOWN_TARGET', 'UNKNOWN_RULE', 'UNKNOWN_ROLE']));
  });
});
