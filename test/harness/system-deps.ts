import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The system programs some tests need. Missing ones skip those tests loudly; with
 * REQUIRE_SYSTEM_DEPS=1 (CI) a missing one fails the run instead.
 */
export const SYSTEM_DEPS = {
  mosquitto: { binaries: ['mosquitto'], install: 'apt-get install -y mosquitto' },
  'mosquitto-clients': { binaries: ['mosquitto_pub', 'mosquitto_sub'], install: 'apt-get install -y mosquitto-clients' },
  chromium: { binaries: ['chromium'], install: 'apt-get install -y chromium' },
  // deploy/: the shell scripts are linted, the secure profile gets a throwaway CA,
  // the systemd units are checked with systemd-analyze verify.
  shellcheck: { binaries: ['shellcheck'], install: 'apt-get install -y shellcheck' },
  openssl: { binaries: ['openssl'], install: 'apt-get install -y openssl' },
  'systemd-analyze': { binaries: ['systemd-analyze'], install: 'apt-get install -y systemd' },
  // test/cluster: aedes' cluster mode shares its nodes' state through redis.
  'redis-server': { binaries: ['redis-server'], install: 'apt-get install -y redis-server' },
} as const;
export type SystemDep = keyof typeof SYSTEM_DEPS;

// Debian installs the broker in /usr/sbin, which is not on a normal user's PATH.
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin'];

export function findBinary(name: string): string | null {
  // MQTT_CLASSROOM_SYSTEM_PATH replaces the search path: the test of the skip
  // behaviour uses it to play a machine without Mosquitto or Chromium.
  const override = process.env.MQTT_CLASSROOM_SYSTEM_PATH;
  const dirs = override !== undefined ? override.split(delimiter) : [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return null;
}

export function hasDep(dep: SystemDep): boolean {
  return SYSTEM_DEPS[dep].binaries.every((binary) => findBinary(binary) !== null);
}

export function requireSystemDeps(): boolean {
  return process.env.REQUIRE_SYSTEM_DEPS === '1';
}

/** The deps that are missing, each with how to install it. */
export function missingDeps(): { dep: SystemDep; install: string }[] {
  return (Object.keys(SYSTEM_DEPS) as SystemDep[])
    .filter((dep) => !hasDep(dep))
    .map((dep) => ({ dep, install: SYSTEM_DEPS[dep].install }));
}

/**
 * For `describe.skipIf(!canRun('mosquitto'))`: true when the dep is there; when it
 * is not, prints a loud line, and throws under REQUIRE_SYSTEM_DEPS=1.
 */
export function canRun(...deps: SystemDep[]): boolean {
  const missing = deps.filter((dep) => !hasDep(dep));
  if (missing.length === 0) return true;
  const what = missing.map((dep) => `${dep} (${SYSTEM_DEPS[dep].install})`).join(', ');
  if (requireSystemDeps()) {
    throw new Error(`REQUIRE_SYSTEM_DEPS=1 but ${what} is missing: install it, these tests must run.`);
  }
  process.stderr.write(`\n!!! SKIPPING tests in this file: missing ${what}\n`);
  return false;
}
