import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

/** Runs the broker test file as if this machine had no Mosquitto. */
function runWithoutSystemPrograms(require: boolean) {
  const env: NodeJS.ProcessEnv = { ...process.env, MQTT_CLASSROOM_SYSTEM_PATH: '/nonexistent', NO_COLOR: '1' };
  delete env.REQUIRE_SYSTEM_DEPS;
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  if (require) env.REQUIRE_SYSTEM_DEPS = '1';
  return spawnSync(process.execPath, [vitest, 'run', 'test/integration/brokers.test.ts'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('a machine without Mosquitto', () => {
  it('skips the Mosquitto tests loudly, runs the rest, and passes', () => {
    const result = runWithoutSystemPrograms(false);
    const output = result.stdout + result.stderr;
    expect(result.status, output).toBe(0);
    expect(output).toContain('SKIPPING');
    expect(output).toMatch(/mosquitto\s+install with: apt-get install -y mosquitto/);
    expect(output).toMatch(/2 passed \| 2 skipped/);
  });

  it('fails instead under REQUIRE_SYSTEM_DEPS=1', () => {
    const result = runWithoutSystemPrograms(true);
    const output = result.stdout + result.stderr;
    expect(result.status, output).not.toBe(0);
    expect(output).toContain('REQUIRE_SYSTEM_DEPS=1 but mosquitto');
  });
});
