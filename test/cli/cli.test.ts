import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {} });
  return { code, out, err };
}

describe('mqtt-classroom CLI', () => {
  it('--help lists every command of the spec', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    for (const command of ['demo', 'server', 'device', 'poll', 'chat']) expect(out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('--version prints the package version', async () => {
    const { code, out } = await run('--version');
    expect(code).toBe(0);
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('refuses an unknown command with a hint and a non-zero code', async () => {
    const { code, err } = await run('frobnicate');
    expect(code).not.toBe(0);
    expect(err).toContain("unknown command 'frobnicate'");
  });

  it('runs as the built bin (what npm start and users call)', () => {
    const bin = fileURLToPath(new URL('../../bin/mqtt-classroom.js', import.meta.url));
    const result = spawnSync(process.execPath, [bin, 'poll', '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('export');
  });
});
