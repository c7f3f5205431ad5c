// Lints JavaScript and TypeScript with neostandard, the style of the Fastify
// ecosystem (no semicolons, a space before function parentheses), and with
// type-aware typescript-eslint rules for promises and errors. `just lint`
// runs it together with the SQL lint in scripts/lint-sql.ts.

import neostandard, { resolveIgnoresFromGitignore } from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    noJsx: true,
    // generated/ is pgtyped output, rewritten by `just gen`.
    ignores: [...resolveIgnoresFromGitignore(), 'generated/**']
  }),
  {
    name: 'authors-service/style',
    rules: {
      // `void value` marks a value as deliberately unused, such as a promise
      // that is not awaited (no-floating-promises accepts this) or the
      // exhaustiveness check in the row mappers.
      'no-void': ['error', { allowAsStatement: true }],
      // TypeBox declares a schema and its static type under one name
      // (`const Author` and `type Author`). The TypeScript compiler already
      // reports real redeclarations.
      '@typescript-eslint/no-redeclare': 'off'
    }
  },
  {
    name: 'authors-service/metrics',
    files: ['src/plugins/metrics.ts'],
    // prom-client registers a metric in its constructor.
    rules: { 'no-new': 'off' }
  },
  {
    name: 'authors-service/type-aware',
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // tap waits for the subtests it queues (t.test, t.skip) by itself.
        allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }]
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-base-to-string': 'error'
    }
  }
]
