import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { deviceConfigArgument } from '../../cli/device-entry.js';
import { until } from '../harness/wait.js';

const BIN = fileURLToPath(new URL('../../bin/mqtt-classroom.js', import.meta.url));
const RECORDER = fileURLToPath(new URL('./helpers/record-modules.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-device-entry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

/** The built bin, in its own folder (no stray .env), nothing listening on its broker port. */
function bin(args: string[], extra: Record<string, string> = {}, nodeArgs: string[] = []) {
  return { args: [...nodeArgs, BIN, ...args], env: { PATH: process.env.PATH ?? '', DATA_DIR: join(dir, 'data'), MQTT_URL: 'mqtt://127.0.0.1:1', ...extra }, cwd: dir };
}

describe('the forms the device entry runs itself (anything else goes to the full CLI)', () => {
  it('takes --config <file>, -c <file> and --config=<file>', () => {
    expect(deviceConfigArgument(['device', '--config', 'a.json'])).toBe('a.json');
    expect(deviceConfigArgument(['device', '-c', 'a.json'])).toBe('a.json');
    expect(deviceConfigArgument(['device', '--config=a.json'])).toBe('a.json');
  });

  it('leaves help, mistakes and other commands to commander', () => {
    for (const argv of [['device'], ['device', '--help'], ['device', '--config'], ['device', '--config', '--help'], ['device', '-c', 'a.json', '--verbose'], ['device', '--config='], ['server'], []]) {
      expect(deviceConfigArgument(argv)).toBeNull();
    }
  });
});

// Issue 17 round 3: what the agent loads it keeps on the Pi for months. Runs the
// built tree: `npm run build` first (npm test does).
describe('mqtt-classroom device, as built', () => {
  it('runs the agent from the device bundle: neither commander nor zod (nor its ~50 locales) loads from node_modules', async () => {
    const record = join(dir, 'modules.txt');
    const run = bin(['device', '--config', config('ok.json', { deviceId: 'graph-1', inputs: [{ type: 'simulation', buttons: 2, count: 0 }] })], { RECORD_MODULES_TO: record }, ['--import', RECORDER]);
    const child: ChildProcess = spawn(process.execPath, run.args, { env: run.env, cwd: run.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await until(() => /device graph-1 started/.test(output) || child.exitCode !== null, 'the agent to start', { timeout: 20_000, interval: 25, detail: () => output });
    child.kill('SIGTERM');
    await exited;
    const modules = readFileSync(record, 'utf8').split('\n');
    // The recorder sees the bundle and its native import (so an empty list cannot pass)...
    expect(modules.some((url) => url.endsWith('/dist/device-bundle/device.mjs'))).toBe(true);
    expect(modules.some((url) => url.includes('/node_modules/better-sqlite3/'))).toBe(true);
    // ...and not what the full CLI and the unbundled zod load.
    expect(modules.filter((url) => /\/node_modules\/(commander|zod|dotenv|mqtt)\//.test(url))).toEqual([]);
    expect(modules.filter((url) => url.includes('/dist/cli/main.js'))).toEqual([]);
  }, 30_000);

  it('stops on a bad config with the same readable message, exit code 2', () => {
    const run = bin(['device', '--config', config('bad.json', { deviceId: 'box 9', inputs: [{ type: 'gpio', buttons: [{ pin: 99 }] }] })]);
    const result = spawnSync(process.execPath, run.args, { env: run.env, cwd: run.cwd, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('mqtt-classroom: The device configuration');
    expect(result.stderr).toContain('deviceId');
    expect(result.stderr).toContain('inputs[0].buttons[0].pin');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says which file is missing, exit code 2', () => {
    const run = bin(['device', '-c', join(dir, 'nowhere.json')]);
    const result = spawnSync(process.execPath, run.args, { env: run.env, cwd: run.cwd, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('the file does not exist: pass --config with the path of your device.json');
  });

  it('keeps commander\'s help and its error for a missing --config', () => {
    const help = spawnSync(process.execPath, bin(['device', '--help']).args, { encoding: 'utf8', cwd: dir });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: mqtt-classroom device [options]');
    expect(help.stdout).toContain('-c, --config <file>');
    const missing = spawnSync(process.execPath, bin(['device']).args, { encoding: 'utf8', cwd: dir });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("required option '-c, --config <file>' not specified");
  });
});
