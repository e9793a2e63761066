// The lint step of `npm test`: typescript-eslint's recommended rules, the few type-aware
// rules that catch real bugs (a promise nobody awaits), and the layering of the tree as
// import restrictions, so a file that reaches across a layer fails where it is written.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node's modules, with and without the `node:` prefix, subpaths included. */
const NODE = ['node:*', ...builtinModules.flatMap((name) => [name, `${name}/*`])];

/** A relative import that climbs out of the top folder: `../` once more than the file is deep. */
const outOf = (depth) => `^(\\.\\./){${depth + 1}}`;

/** A relative import of a top-level folder (`../server/x.js`, `../../server/x.js`, ...). */
const layer = (...names) => `^(\\.\\./)+(${names.join('|')})/`;

const restrict = (...patterns) => ['error', { patterns }];

// shared/ is the pure, browser-safe protocol core: no Node, no clock, no timers, no
// process or Buffer; time and bytes come in as arguments, and it imports only itself.
const pureCore = {
  'no-restricted-globals': [
    'error',
    ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'process', 'Buffer', 'performance'].map(
      (name) => ({ name, message: 'shared/ is pure: time comes in through the Scheduler port, bytes as Uint8Array.' }),
    ),
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'shared/ has no clock: take a Clock or the time as an argument.' },
    { object: 'performance', property: 'now', message: 'shared/ has no clock: take a Clock or the time as an argument.' },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'shared/ has no clock: take the time as an argument.' },
  ],
};

const sharedImports = (depth) =>
  restrict(
    { group: NODE, message: 'shared/ is browser-safe: no Node modules.' },
    { regex: outOf(depth), message: 'shared/ imports only shared/.' },
  );

// The pages run in a browser: text from the network never becomes HTML.
const noHtmlSinks = {
  'no-restricted-properties': [
    'error',
    ...['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'createContextualFragment'].map((property) => ({
      property,
      message: 'Build DOM nodes (web/lib/dom.ts), never HTML from strings.',
    })),
    { object: 'document', property: 'write', message: 'Build DOM nodes (web/lib/dom.ts), never HTML from strings.' },
  ],
  'no-restricted-globals': ['error', { name: 'DOMParser', message: 'Build DOM nodes (web/lib/dom.ts), never HTML from strings.' }],
  'no-eval': 'error',
  'no-new-func': 'error',
  'no-implied-eval': 'off',
  '@typescript-eslint/no-implied-eval': 'error',
};

// Components take time through the Scheduler port (shared/scheduler.ts), so tests run
// them on simulated time; only the ports' adapters (runtime/scheduler.ts, runtime/clock.ts,
// web/lib/scheduler.ts) read the host's clock and timers.
const CLOCK_MESSAGE = 'Take time through the Scheduler port (shared/scheduler.ts): systemScheduler, browserScheduler, or the one in your context.';
const clockProperties = [
  { object: 'Date', property: 'now', message: CLOCK_MESSAGE },
  { object: 'performance', property: 'now', message: CLOCK_MESSAGE },
];
const clockGlobals = ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'].map((name) => ({ name, message: CLOCK_MESSAGE }));

// The pages import shared/, web/ and their few libraries, nothing else.
const webImports = restrict(
  { group: NODE, message: 'web/ runs in a browser: no Node modules.' },
  { regex: layer('device', 'server', 'runtime', 'cli', 'bench', 'test'), message: 'web/ imports only shared/ and web/.' },
  {
    regex: '^(?!\\.|mqtt-packet$|uqr$|uplot$|uplot/dist/uPlot\\.min\\.css$)',
    message: "Not for the browser bundle: web/ imports only shared/, web/, mqtt-packet (the MQTT codec), uqr and uplot.",
  },
);

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'web/dist/', 'test-output/', 'data/', 'web/shims/', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  // The build and install scripts are plain Node; TypeScript checks the rest's globals.
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
  // Tests read loosely typed JSON answers from the processes they drive.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['shared/*.ts'], rules: { ...pureCore, 'no-restricted-imports': sharedImports(0) } },
  { files: ['shared/*/*.ts'], rules: { ...pureCore, 'no-restricted-imports': sharedImports(1) } },
  { files: ['shared/*/*/*.ts'], rules: { ...pureCore, 'no-restricted-imports': sharedImports(2) } },
  { files: ['runtime/**/*.ts'], rules: { 'no-restricted-imports': restrict({ regex: layer('device', 'server', 'cli', 'web', 'bench', 'test'), message: 'runtime/ is the Node plumbing under device/ and server/: it imports only shared/.' }) } },
  { files: ['device/**/*.ts'], rules: { 'no-restricted-imports': restrict({ regex: layer('server', 'cli', 'web', 'bench', 'test'), message: 'device/ talks to the server over MQTT only: it imports shared/ and runtime/.' }) } },
  { files: ['server/**/*.ts'], rules: { 'no-restricted-imports': restrict({ regex: layer('device', 'cli', 'web', 'bench', 'test'), message: 'server/ talks to devices over MQTT only: it imports shared/ and runtime/.' }) } },
  { files: ['web/**/*.ts'], rules: { ...noHtmlSinks, 'no-restricted-imports': webImports } },
  {
    files: ['web/**/*.ts'],
    ignores: ['web/lib/scheduler.ts'],
    rules: {
      'no-restricted-properties': [...noHtmlSinks['no-restricted-properties'], ...clockProperties],
      'no-restricted-globals': [...noHtmlSinks['no-restricted-globals'], ...clockGlobals],
    },
  },
  // Every environment variable is read and validated once, in runtime/env.ts.
  {
    files: ['device/**/*.ts', 'server/**/*.ts', 'runtime/**/*.ts', 'cli/**/*.ts'],
    ignores: ['runtime/env.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through runtime/env.ts (validated once), or take them as arguments.' },
      ],
    },
  },
  {
    files: ['device/**/*.ts', 'server/**/*.ts', 'runtime/**/*.ts'],
    ignores: ['runtime/env.ts', 'runtime/scheduler.ts', 'runtime/clock.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through runtime/env.ts (validated once), or take them as arguments.' },
        ...clockProperties,
      ],
      'no-restricted-globals': ['error', ...clockGlobals],
    },
  },
);
