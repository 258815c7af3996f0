// @ts-check
/**
 * The linter encodes the layer table of DESIGN.md (what each top-level folder may import) and forbids import
 * cycles. `npm test` runs it (`npm run lint`). Formatting is Prettier's (`npm run format`), not the linter's.
 */
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';

const layer = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'designer/dist/**',
      'bench/out/**',
      'data/**',
      '.tmp/**',
      'tests/lint/fixtures/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.tsx', '.js'],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            layer(
              './engine',
              ['./server', './designer', './tests', './bench', './configs'],
              'engine/ is the pure library: it imports its dependencies only (DESIGN.md, Layout).',
            ),
            layer(
              './server',
              ['./designer', './tests', './bench'],
              'server/ may import engine/ only (DESIGN.md, Layout); the designer is served as built files.',
            ),
            layer(
              './designer/src',
              './server',
              'the designer talks to the server over HTTP only (DESIGN.md, Layout); it takes the request and answer types from server/contract (the one typed contract, browser-safe).',
              ['./contract'],
            ),
            layer(
              './designer/src',
              ['./tests', './bench'],
              'the designer talks to the server over HTTP only (DESIGN.md, Layout).',
            ),
            layer(
              './designer/src',
              './engine',
              'the designer imports the engine through its browser-safe entry points only (engine/browser.ts, engine/browser-rules.ts, engine/browser-desk.ts).',
              ['./browser.ts', './browser-rules.ts', './browser-desk.ts'],
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['designer/src/**/*.ts', 'designer/src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['engine/**/*.ts', 'designer/src/**/*.ts', 'designer/src/**/*.tsx'],
    rules: {
      // no disk, no network, no clock of its own: the engine runs in the browser too (DESIGN.md, Layout)
      'import-x/no-nodejs-modules': 'error',
    },
  },
);
