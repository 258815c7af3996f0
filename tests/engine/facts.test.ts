/** The fact registry (engine/rules/facts.ts) is what validation accepts and what FORMAT.md documents, params included. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FACTS } from '../../engine/browser-rules';
import { validateProcedure } from '../../engine';

const format = readFileSync('engine/FORMAT.md', 'utf8');
const table = format.slice(format.indexOf('| fact | value |'), format.indexOf('Paths: '));
const rows = new Map([...table.matchAll(/^\| `([A-Za-z]+)` \| (.*) \|$/gm)].map((m) => [m[1], m[2]]));

describe('fact registry', () => {
  it('has one row in FORMAT.md per fact, and no other', () => {
    expect([...rows.keys()].sort()).toEqual(FACTS.map((f) => f.name).sort());
  });

  it.each(FACTS.filter((f) => f.params).map((f) => [f.name, f.params!] as const))(
    '%s: its FORMAT.md row names its params %j',
    (name, params) => {
      for (const p of params) expect(rows.get(name)).toContain(p);
    },
  );

  it('given a condition on a fact outside the registry, then validation names UNKNOWN_FACT', () => {
    const doc = JSON.parse(readFileSync('tests/engine/fixtures/valid-small.json', 'utf8'));
    const rule = Object.values(doc.doc.rules as Record<string, { conditions: unknown }>)[0];
    rule.conditions = { all: [{ fact: 'weather', operator: 'equal', value: 'sunny' }] };
    expect(validateProcedure(doc.doc, { parameters: doc.parameters }).map((p) => p.code)).toContain('UNKNOWN_FACT');
    for (const f of FACTS) {
      rule.conditions = { all: [{ fact: f.name, operator: 'exists', value: true }] };
      expect(validateProcedure(doc.doc, { parameters: doc.parameters }).map((p) => p.code)).not.toContain(
        'UNKNOWN_FACT',
      );
    }
  });
});
