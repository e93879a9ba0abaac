// @ts-check
/**
 * Lint, run by `npm test` (and so by CI) after the type check. Beyond the recommended rules it guards what
 * the compiler cannot: promises nobody awaits, and the workflow sandbox. Workflow code is replayed, so it
 * may import only deterministic code: the domain, the message definitions, @temporalio/workflow, and the
 * types (never the implementations) of activities. The domain imports nothing but itself.
 */
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const { builtinModules } = require('node:module');

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** What workflow code must never load: Node, I/O, and the processes around the sandbox. */
const outsideTheSandbox = [
  { group: ['**/db/**', '**/db', '**/api/**', '**/api', '**/worker/**', '**/scripts/**', '**/config/**'], message: '工作流代码只能引用领域层和消息定义（workflow code imports only the domain and messages）' },
  { group: ['**/activities/**', '**/activities'], allowTypeImports: true, message: '工作流只能引用活动的类型（import type），不能引用其实现' },
  { group: ['knex', 'pg', 'express', 'pino*', 'chinese-days', '@temporalio/worker', '@temporalio/client', '@temporalio/activity'], message: '这些库会做 I/O 或不确定，不能在工作流沙箱中使用' },
];

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'console/dist/**', '.data/**', 'coverage/**', 'test/fixtures/histories/**', 'test/e2e/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
      globals: { console: 'readonly', process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', fetch: 'readonly', performance: 'readonly', AbortController: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', Headers: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { paths: nodeBuiltins.map((name) => ({ name, message: 'Node 模块不能在工作流沙箱中使用' })), patterns: outsideTheSandbox }],
    },
  },
  {
    files: ['workflows/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: '领域层是纯代码' })),
          patterns: [
            ...outsideTheSandbox,
            { group: ['@temporalio/*', '../*.ts', '../messages', '../case-workflow'], message: '领域层只引用它自己（the domain imports nothing but itself）' },
          ],
        },
      ],
    },
  },
  {
    // The web console runs in the browser: typed with console/tsconfig.json (DOM, JSX), browser globals.
    files: ['console/**/*.ts', 'console/**/*.tsx'],
    languageOptions: {
      globals: {
        window: 'readonly', document: 'readonly', navigator: 'readonly', location: 'readonly', history: 'readonly',
        sessionStorage: 'readonly', localStorage: 'readonly', crypto: 'readonly', fetch: 'readonly', Response: 'readonly',
        Request: 'readonly', Headers: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', URL: 'readonly',
        URLSearchParams: 'readonly', TextDecoder: 'readonly', TextDecoderStream: 'readonly', ReadableStream: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', console: 'readonly',
        HTMLElement: 'readonly', Event: 'readonly',
      },
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked, rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' } },
);
