/**
 * The linter (eslint.config.js, run by `npm test`) refuses what DESIGN.md's layer table forbids: given a file that
 * breaks a rule, when it is linted with the project's configuration, then the rule reports it. The files are linted
 * as text at the path they would have (nothing is written), except the cycle, whose two halves are fixtures that the
 * configuration otherwise ignores.
 */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function rulesBroken(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath, warnIgnored: true });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layer rules', () => {
  it('given an engine file importing the server, then no-restricted-paths refuses it', async () => {
    const broken = await rulesBroken(
      'engine/probe.ts',
      "import { startServer } from '../server/app';\nexport const x = startServer;\n",
    );
    expect(broken).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*engine\/ is the pure library/)]);
  });

  it('given an engine file importing a node built-in, then no-nodejs-modules refuses it', async () => {
    const broken = await rulesBroken(
      'engine/probe.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    );
    expect(broken).toEqual([expect.stringMatching(/^import-x\/no-nodejs-modules: /)]);
  });

  it('given a designer file importing an engine file other than its browser-safe entry points, then it is refused', async () => {
    const deep = await rulesBroken(
      'designer/src/probe.ts',
      "import { compileProcedure } from '../../engine/compile';\nexport const x = compileProcedure;\n",
    );
    expect(deep).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*browser-safe entry points only/)]);
    const entry = await rulesBroken(
      'designer/src/probe.ts',
      "import { walkStates } from '../../engine/browser';\nexport const x = walkStates;\n",
    );
    expect(entry).toEqual([]);
    const rules = await rulesBroken(
      'designer/src/probe.ts',
      "import { validateProcedure } from '../../engine/browser-rules';\nexport const x = validateProcedure;\n",
    );
    expect(rules).toEqual([]);
    const desk = await rulesBroken(
      'designer/src/probe.ts',
      "import { FIGURES } from '../../engine/browser-desk';\nexport const x = FIGURES;\n",
    );
    expect(desk).toEqual([]);
  });

  it('given a designer file importing the server, then it is refused', async () => {
    const broken = await rulesBroken(
      'designer/src/probe.ts',
      "import { startServer } from '../../server/app';\nexport const x = startServer;\n",
    );
    expect(broken).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*over HTTP only/)]);
    // the typed contract is the one part of the server it may name (its request and answer types)
    const contract = await rulesBroken(
      'designer/src/probe.ts',
      "import type { InstanceBody } from '../../server/contract';\nexport type X = InstanceBody;\n",
    );
    expect(contract).toEqual([]);
  });

  it('given a server file importing a test helper, then it is refused', async () => {
    const broken = await rulesBroken(
      'server/probe.ts',
      "import { server } from '../tests/server/helpers';\nexport const x = server;\n",
    );
    expect(broken).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*server\/ may import engine\/ only/),
    ]);
  });

  it('given two modules that import each other, then no-cycle refuses both', async () => {
    const results = await new ESLint({ ignore: false }).lintFiles([
      'tests/lint/fixtures/cycle-a.ts',
      'tests/lint/fixtures/cycle-b.ts',
    ]);
    expect(results.map((r) => r.messages.map((m) => m.ruleId))).toEqual([['import-x/no-cycle'], ['import-x/no-cycle']]);
  });
});
