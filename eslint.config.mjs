// Layers that lint holds: core/, server/, replay/, webview/ and the CLI never import `vscode` or the VS Code glue
// (src/vscode/**); the glue never imports the CLI. The .mjs scripts (build, bench, test runners) are linted too.
import tseslint from 'typescript-eslint';

const noGlue = { group: ['**/vscode/**', '**/vscode'], message: 'core/, server/, replay/, webview/ and the CLI run without VS Code: move shared code into core/ and pass what you need through a port.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'tools/**', 'node_modules/**', 'examples/**', '.vscode-test/**', 'test-results/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { project: './tsconfig.json' } },
    rules: {
      // node:test's test()/describe() return promises the runner tracks itself.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/server/**/*.ts', 'src/cli.ts', 'src/replay/**/*.ts', 'src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: noGlue.message }],
        patterns: [noGlue],
      }],
    },
  },
  {
    // The run log format is core's bottom layer: stores, configs and features read run logs, never the reverse.
    files: ['src/core/runlog/**/*.ts', 'src/core/text/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: noGlue.message }],
        patterns: [noGlue, { group: ['../*', '!../text', '!../text/*', '!../runlog', '!../runlog/*'], message: 'core/runlog and core/text are the bottom of core: they import only each other.' }],
      }],
    },
  },
  {
    // What the configs say (core/config) sits below the stores, which are opened from it.
    files: ['src/core/config/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: noGlue.message }],
        patterns: [noGlue, { group: ['../*', '!../text', '!../text/*', '!../runlog', '!../runlog/*', '!../yaml', '!../yaml/*'], message: 'core/config reads configs: it imports only core/text, core/runlog and core/yaml (the stores are opened from its descriptors, not the reverse).' }],
      }],
    },
  },
  {
    files: ['src/vscode/**/*.ts'],
    ignores: ['src/vscode/commands/registerCommand.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/core/cli/**', '**/cli'], message: 'The VS Code features do not go through the CLI: call core/ directly.' }],
      }],
      'no-restricted-syntax': ['error', {
        selector: "MemberExpression[object.property.name='commands'][property.name='registerCommand']",
        message: 'Register commands with registerCommand (src/vscode/commands/registerCommand.ts): a failing handler is logged and shown as a sentence.',
      }],
    },
  },
  {
    // Build, bench and test-runner scripts: plain ES modules under Node.
    files: ['**/*.mjs'],
    languageOptions: {
      sourceType: 'module',
      ecmaVersion: 2022,
      // Node's own globals as this Node has them, plus what page.evaluate callbacks use in the workbench page.
      globals: Object.fromEntries([
        ...Object.getOwnPropertyNames(globalThis),
        'document', 'window', 'getComputedStyle', 'HTMLElement', 'Element', 'navigator', 'location',
      ].map((n) => [n, 'readonly'])),
    },
    rules: {
      // A name used but never defined (a variable lost in a refactor) fails lint, not a UI test run.
      'no-undef': 'error',
      'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
      'no-unreachable': 'error',
      'no-dupe-keys': 'error',
      'no-self-assign': 'error',
      'no-const-assign': 'error',
    },
  },
);
