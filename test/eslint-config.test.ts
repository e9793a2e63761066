/**
 * The layering of the tree, as eslint.config.js states it: `shared/` is the pure,
 * browser-safe protocol core (no Node, no clock, no timers, no process or Buffer, nothing
 * outside shared/); the pages build no HTML from strings and import only shared/, web/ and
 * their few libraries; device/ and server/ never import each other. `npm test` lints the
 * tree; these cases show each rule fires where it should, and only there.
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// The layering rules need no type information: lint those snippets without loading the
// TypeScript project (seconds per file on a busy machine); only the promise rules use it.
const eslint = new ESLint({ cwd: ROOT, overrideConfig: [tseslint.configs.disableTypeChecked] });
let typed: ESLint;

beforeAll(async () => {
  typed = new ESLint({ cwd: ROOT });
  await typed.lintText('export {};\n', { filePath: 'device/agent.ts' });
}, 120_000);

/** The rules a snippet breaks when it sits at `filePath` (an existing file, for type information). */
async function broken(filePath: string, code: string, linter = eslint): Promise<string[]> {
  const [result] = await linter.lintText(`${code}\nexport {};\n`, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('shared/ is pure and browser-safe', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';", 'no-restricted-imports'],
    ["import path from 'path';", 'no-restricted-imports'],
    ["export { x } from 'fs/promises';", 'no-restricted-imports'],
    ["import 'crypto';", 'no-restricted-imports'],
    ["import { x } from '../device/agent.js';", 'no-restricted-imports'],
    ['const t = Date.now();', 'no-restricted-properties'],
    ['const d = new Date();', 'no-restricted-syntax'],
    ['setTimeout(() => 1, 5);', 'no-restricted-globals'],
    ['const env = process.env;', 'no-restricted-globals'],
    ["const b = Buffer.from('x');", 'no-restricted-globals'],
    ['const p = performance.now();', 'no-restricted-globals'],
  ])('refuses %s', async (code, rule) => {
    expect(await broken('shared/ids.ts', code)).toContain(rule);
  });

  it('refuses a climb out of shared/ from a subfolder, but not to a sibling inside it', async () => {
    expect(await broken('shared/codecs/vote.ts', "import { x } from '../../server/x.js';")).toContain('no-restricted-imports');
    expect(await broken('shared/codecs/vote.ts', "import { x } from '../ids.js';")).not.toContain('no-restricted-imports');
  });

  it('lets a comment mention what the code may not do, and dates be made from a time', async () => {
    const code = ["// Date.now() and setTimeout live in the server; import 'os' is not for here", 'export const d = new Date(0);'].join('\n');
    expect(await broken('shared/ids.ts', code)).toEqual([]);
  });
});

describe('web/ builds no HTML and imports only what the bundle may carry', () => {
  it.each([
    ["document.body.innerHTML = '<b>x</b>';", 'no-restricted-properties'],
    ["document.body.insertAdjacentHTML('beforeend', 'x');", 'no-restricted-properties'],
    ["document.write('x');", 'no-restricted-properties'],
    ["const doc = new DOMParser().parseFromString('x', 'text/html');", 'no-restricted-globals'],
    ["const f = new Function('return 1');", 'no-new-func'],
    ["import { x } from '../../server/x.js';", 'no-restricted-imports'],
    ["import { x } from '../../runtime/x.js';", 'no-restricted-imports'],
    ["import { connect } from 'mqtt';", 'no-restricted-imports'],
    ["import { MqttClient } from 'mqtt/lib/client';", 'no-restricted-imports'],
    ["import { x } from 'node:events';", 'no-restricted-imports'],
  ])('refuses %s', async (code, rule) => {
    expect(await broken('web/pages/vote.ts', code)).toContain(rule);
  });

  it('allows shared/, web/ and the libraries the pages use', async () => {
    const code = [
      "import { x } from '../../shared/ids.js';",
      "import { y } from '../lib/dom.js';",
      "import '../styles/vote.css';",
      "import { generate } from 'mqtt-packet';",
      "import { renderSVG } from 'uqr';",
      "import uPlot from 'uplot';",
      "document.body.textContent = 'x';",
    ].join('\n');
    expect((await broken('web/pages/vote.ts', code)).filter((rule) => rule !== '@typescript-eslint/no-unused-vars')).toEqual([]);
  });
});

describe('device/ and server/ meet only over MQTT', () => {
  it('refuses a device file importing the server, and the other way round', async () => {
    expect(await broken('device/agent.ts', "import { x } from '../server/x.js';")).toContain('no-restricted-imports');
    expect(await broken('server/index.ts', "import { x } from '../device/agent.js';")).toContain('no-restricted-imports');
    expect(await broken('runtime/logger.ts', "import { x } from '../device/agent.js';")).toContain('no-restricted-imports');
  });

  it('lets both use shared/ and runtime/', async () => {
    const code = "import { a } from '../shared/ids.js';\nimport { b } from '../runtime/logger.js';\nvoid a; void b;";
    expect(await broken('device/agent.ts', code)).toEqual([]);
  });
});

describe('environment variables', () => {
  it('are read in runtime/env.ts only', async () => {
    expect(await broken('device/agent.ts', 'export const url = process.env.MQTT_URL;')).toContain('no-restricted-properties');
    expect(await broken('cli/main.ts', 'export const url = process.env.MQTT_URL;')).toContain('no-restricted-properties');
    expect(await broken('runtime/env.ts', 'export const url = process.env.MQTT_URL;')).not.toContain('no-restricted-properties');
  });
});

describe('time comes through the Scheduler port (issue 12 item 3)', () => {
  it.each([
    ['web/pages/kiosk.ts', 'const t = Date.now();', 'no-restricted-properties'],
    ['web/pages/pain.ts', 'setTimeout(() => 1, 5);', 'no-restricted-globals'],
    ['server/broker/cluster.ts', 'const t = setTimeout(() => 1, 5);', 'no-restricted-globals'],
    ['device/agent.ts', 'const t = performance.now();', 'no-restricted-properties'],
    ['runtime/logger.ts', 'setInterval(() => 1, 5);', 'no-restricted-globals'],
  ])('%s refuses %s', async (file, code, rule) => {
    expect(await broken(file, code)).toContain(rule);
  });

  it("lets the adapters read the host's clock, and a page still refuses HTML", async () => {
    expect(await broken('web/lib/scheduler.ts', 'export const t = Date.now();')).toEqual([]);
    expect(await broken('runtime/scheduler.ts', 'export const t = setTimeout(() => 1, 5);')).toEqual([]);
    expect(await broken('web/pages/chat.ts', "document.body.innerHTML = '<b>x</b>';")).toContain('no-restricted-properties');
    expect(await broken('server/index.ts', 'const env = process.env;')).toContain('no-restricted-properties');
  });
});

describe('promises', () => {
  it('refuses one that nobody awaits or hands on', async () => {
    expect(await broken('device/agent.ts', 'async function f(): Promise<void> {}\nf();', typed)).toContain('@typescript-eslint/no-floating-promises');
    expect(await broken('device/agent.ts', 'async function f(): Promise<void> {}\nvoid f();', typed)).toEqual([]);
  });
});

describe('the lint covers the tree', () => {
  it.each(['shared/ids.ts', 'shared/codecs/vote.ts', 'web/pages/vote.ts', 'device/agent.ts', 'server/index.ts', 'runtime/logger.ts'])(
    '%s is linted, with its folder\'s import rule',
    async (file) => {
      expect(await eslint.isPathIgnored(file)).toBe(false);
      const config = (await eslint.calculateConfigForFile(file)) as { rules: Record<string, unknown> };
      expect(config.rules['no-restricted-imports']).toBeDefined();
    },
  );
});
