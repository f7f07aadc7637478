// Lint and format check (npm test and CI run `eslint .`; see docs/limits.md "Habits").
// - typescript-eslint with type information: promises must be awaited, returned or `void`ed
//   (no-floating-promises), and never passed where a void callback is expected
//   (no-misused-promises) — the two bugs that leave an editor "Computing…" forever.
// - Format: whitespace and punctuation rules of @stylistic that the code already follows, checked
//   (and fixable with `npx eslint --fix`) rather than a formatter that would rewrite every file:
//   a whole-codebase reformat would conflict with every open branch for no behavioural gain.
import tseslint from 'typescript-eslint';
import stylistic from '@stylistic/eslint-plugin';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'sample/**', 'test/fixtures/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, '@stylistic': stylistic },
    rules: {
      // node:test's describe/test return promises the runner awaits itself.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@stylistic/no-trailing-spaces': 'error',
      '@stylistic/eol-last': 'error',
      '@stylistic/no-tabs': 'error',
      '@stylistic/no-multiple-empty-lines': ['error', { max: 2, maxEOF: 0, maxBOF: 0 }],
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
      '@stylistic/indent': ['error', 2, { SwitchCase: 1, ignoredNodes: ['ConditionalExpression', 'ConditionalExpression *', 'TemplateLiteral *', 'CallExpression > ArrowFunctionExpression > *', 'SpreadElement', 'SpreadElement *', 'FunctionDeclaration > TSTypeAnnotation', 'FunctionDeclaration > TSTypeAnnotation *'], flatTernaryExpressions: true, offsetTernaryExpressions: true }],
      '@stylistic/comma-spacing': 'error',
      '@stylistic/keyword-spacing': 'error',
      '@stylistic/space-infix-ops': 'error',
    },
  },
);
