/**
 * SPEC: `shared/` is the pure, browser-safe protocol core. No Node-only imports, no
 * clock, no timers, no process or Buffer: time and bytes come in as arguments.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared');

const BUILTINS = new Set([
  ...builtinModules,
  ...['fs', 'path', 'os', 'net', 'http', 'crypto', 'events', 'buffer', 'process', 'child_process'],
]);

const FORBIDDEN_CALLS: ReadonlyArray<[string, RegExp]> = [
  ['Date.now(', /\bDate\s*\.\s*now\s*\(/],
  ['new Date(', /\bnew\s+Date\s*\(/],
  ['setTimeout', /\bsetTimeout\b/],
  ['setInterval', /\bsetInterval\b/],
  ['process.', /\bprocess\s*\./],
  ['Buffer.', /\bBuffer\s*\./],
  ['performance.now', /\bperformance\s*\.\s*now\b/],
];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Blanks out // and /* *\/ comments, leaving string literals (imports live in them) alone. */
function stripComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
      out += ' ';
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Every module specifier a source imports, re-exports or requires. */
function specifiers(code: string): string[] {
  const patterns = [
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]/g,
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m[1]!));
}

function problems(source: string): string[] {
  const code = stripComments(source);
  const found: string[] = [];
  for (const spec of specifiers(code)) {
    if (spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0]!)) found.push(`imports ${spec}`);
  }
  for (const [name, pattern] of FORBIDDEN_CALLS) if (pattern.test(code)) found.push(`uses ${name}`);
  return found;
}

describe('the checker itself', () => {
  it('finds Node imports and clock, timer, process and Buffer uses', () => {
    const bad = [
      "import { readFileSync } from 'node:fs';",
      "import path from 'path';",
      "export { x } from 'fs/promises';",
      "import 'crypto';",
      "const ev = await import('events');",
      'const t = Date.now();',
      'const d = new Date();',
      'setTimeout(() => 1, 5);',
      'const env = process.env;',
      "const b = Buffer.from('x');",
      'const p = performance.now();',
    ].join('\n');
    expect(problems(bad)).toEqual([
      'imports node:fs',
      'imports path',
      'imports fs/promises',
      'imports crypto',
      'imports events',
      'uses Date.now(',
      'uses new Date(',
      'uses setTimeout',
      'uses process.',
      'uses Buffer.',
      'uses performance.now',
    ]);
  });

  it('ignores comments but not code next to them', () => {
    const commented = [
      '// no clock here: Date.now() and setTimeout live in the server',
      "/* import fs from 'node:fs'; process.exit(1) */",
      '/**',
      ' * new Date() would break replay',
      ' */',
      "import { a } from './a.js'; // import 'os'",
      "const url = 'http://example.org'; // the // in a string is not a comment",
    ].join('\n');
    expect(problems(commented)).toEqual([]);
    expect(problems("const s = 'x'; /* c */ const t = Date.now();")).toEqual(['uses Date.now(']);
  });
});

describe('shared/ is pure and browser-safe', () => {
  const files = tsFiles(SHARED);

  it('has the core files', () => {
    const names = files.map((f) => relative(SHARED, f).split('\\').join('/'));
    expect(names).toEqual(expect.arrayContaining(['ids.ts', 'topics.ts', 'poll.ts', 'tally.ts', 'bread.ts', 'codecs/vote.ts']));
  });

  it.each(files.map((f) => [relative(SHARED, f), f]))('%s', (_name, file) => {
    expect(problems(readFileSync(file, 'utf8'))).toEqual([]);
  });
});
