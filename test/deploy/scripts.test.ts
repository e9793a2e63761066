import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRun } from '../harness/system-deps.js';
import { DEPLOY_DIR, MOSQUITTO_DIR } from './mosquitto-profile.js';
import { ROOT, bash } from './script-runner.js';


/** Every shell script the project ships or runs in CI. */
function shellScripts(): string[] {
  const under = (dir: string) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.sh'))
      .map((name) => join(dir, name));
  return [...under('deploy'), ...under('test/deploy'), '.ci/run'];
}

describe.skipIf(!canRun('shellcheck'))('shellcheck', () => {
  it('finds nothing to say about deploy/*.sh, the test scripts and .ci/run', () => {
    const scripts = shellScripts();
    expect(scripts).toEqual(expect.arrayContaining(['deploy/pi-setup.sh', 'deploy/mosquitto/make-accounts.sh', 'deploy/kiosk/kiosk.sh']));
    const result = spawnSync('shellcheck', scripts, { cwd: ROOT, encoding: 'utf8' });
    expect(result.stdout + result.stderr, `shellcheck ${scripts.join(' ')}`).toBe('');
    expect(result.status).toBe(0);
  });
});

describe.skipIf(!canRun('systemd-analyze'))('systemd units (deploy/systemd)', () => {
  it('pass systemd-analyze verify with no warning (test/deploy/verify-units.sh)', () => {
    const result = bash([join(ROOT, 'test/deploy/verify-units.sh')]);
    expect(result.stdout + result.stderr).toMatch(/mqtt-classroom-device\.service mqtt-classroom-server\.service mqtt-classroom-server@\.service OK/);
    expect(result.status).toBe(0);
  });
});

/** [Section] Key=Value lines of a unit; repeated keys keep every value. */
function unit(name: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const line of readFileSync(join(DEPLOY_DIR, 'systemd', name), 'utf8').split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line);
    if (header !== null) section = header[1] as string;
    const pair = /^(\w+)=(.*)$/.exec(line);
    if (pair !== null) settings.set(`${section}.${pair[1]}`, [...(settings.get(`${section}.${pair[1]}`) ?? []), pair[2] as string]);
  }
  return settings;
}

describe('what the units promise (docs/deploy.md)', () => {
  it.each([
    ['mqtt-classroom-server.service', '/etc/mqtt-classroom/server.env', 'server'],
    ['mqtt-classroom-device.service', '/etc/mqtt-classroom/device.env', 'device'],
  ])('%s restarts on failure, reads its .env, keeps state, is hardened and starts after Mosquitto', (name, envFile, kind) => {
    const u = unit(name);
    expect(u.get('Service.Restart')).toEqual(['on-failure']);
    expect(u.get('Service.EnvironmentFile')).toEqual([envFile]);
    expect(u.get('Service.StateDirectory')).toEqual([`mqtt-classroom/${kind}`]);
    expect(u.get('Service.Environment')?.join(' ')).toContain(`DATA_DIR=%S/mqtt-classroom/${kind}`);
    expect(u.get('Service.NoNewPrivileges')).toEqual(['yes']);
    expect(u.get('Service.ProtectSystem')).toEqual(['strict']);
    expect(u.get('Unit.After')?.join(' ').split(' ')).toContain('mosquitto.service');
    expect(u.get('Service.User')?.[0]).not.toBe('root');
    expect(u.get('Service.ExecStart')?.[0]).toMatch(new RegExp(`^/usr/bin/node /opt/mqtt-classroom/bin/mqtt-classroom\\.js ${kind}\\b`));
  });

  it('mqtt-classroom-server@<room>: the same hardened hub, with the room\'s own .env and state directory', () => {
    const room = unit('mqtt-classroom-server@.service');
    const single = unit('mqtt-classroom-server.service');
    expect(room.get('Service.EnvironmentFile')).toEqual(['/etc/mqtt-classroom/%i.env']);
    expect(room.get('Service.StateDirectory')).toEqual(['mqtt-classroom/rooms/%i']);
    expect(room.get('Service.Environment')?.join(' ')).toContain('DATA_DIR=%S/mqtt-classroom/rooms/%i');
    // Everything else is the single hub's unit, key for key.
    const differs = ['Unit.Description', 'Service.EnvironmentFile', 'Service.StateDirectory', 'Service.Environment'];
    for (const [key, value] of single) if (!differs.includes(key)) expect(room.get(key), key).toEqual(value);
    expect([...room.keys()].sort()).toEqual([...single.keys()].sort());
  });

  it('gives the device agent the gpio and dialout groups, and the hub no device access', () => {
    const device = unit('mqtt-classroom-device.service');
    expect(device.get('Service.SupplementaryGroups')?.[0]?.split(' ')).toEqual(['gpio', 'dialout']);
    // Each of these would close /dev/gpiochip* and the serial ports to the agent
    // (ProtectClock implies DeviceAllow=char-rtc, and any DeviceAllow closes the rest).
    for (const key of ['PrivateDevices', 'ProtectClock', 'DeviceAllow', 'DevicePolicy', 'ProtectKernelTunables']) {
      expect(device.get(`Service.${key}`), key).toBeUndefined();
    }
    expect(unit('mqtt-classroom-server.service').get('Service.PrivateDevices')).toEqual(['yes']);
  });
});

describe('deploy/mosquitto/make-accounts.sh', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-accounts-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!canRun('mosquitto'))('with several --prefix (a building), gives every account the same rules in each room', () => {
    const building = mkdtempSync(join(dir, 'building-'));
    const result = bash([join(MOSQUITTO_DIR, 'make-accounts.sh'), '--dir', building, '--prefix', 'salle-1', '--prefix', 'salle-2', 'box-1']);
    expect(result.status, result.stderr).toBe(0);
    const acl = readFileSync(join(building, 'acl'), 'utf8');
    for (const room of ['salle-1', 'salle-2']) {
      expect(acl).toContain(`topic readwrite ${room}/#`);
      expect(acl.split('\n').filter((l) => l === `topic write ${room}/votes/+`)).toHaveLength(3); // anonymous, voter, box-1
      expect(acl).toContain(`topic write ${room}/devices/box-1/#`);
    }
    expect(acl).not.toMatch(/^topic \w+ classroom\//m);
  });

  it.skipIf(!canRun('mosquitto'))('keeps every password when run again, and drops a device that is no longer listed', () => {
    const first = bash([join(MOSQUITTO_DIR, 'make-accounts.sh'), '--dir', dir, 'box-1', 'box-2']);
    expect(first.status, first.stderr).toBe(0);
    const before = readFileSync(join(dir, 'credentials'), 'utf8');
    const again = bash([join(MOSQUITTO_DIR, 'make-accounts.sh'), '--dir', dir, 'box-1']);
    expect(again.status, again.stderr).toBe(0);
    const after = readFileSync(join(dir, 'credentials'), 'utf8');
    const line = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(`${name}:`));
    for (const name of ['classroom-server', 'voter', 'box-1']) expect(line(after, name)).toBe(line(before, name));
    expect(line(after, 'box-2')).toBeUndefined();
    expect(readFileSync(join(dir, 'passwd'), 'utf8')).not.toMatch(/^box-2:/m);
    expect(readFileSync(join(dir, 'acl'), 'utf8')).not.toMatch(/^user box-2$/m);
    expect(again.stdout).toContain(`MQTT_PASSWORD=${line(before, 'box-1')?.split(':')[1]}`);
  });

  it.each([
    [['bad id'], "device id 'bad id' is not valid"],
    [['box/1'], "device id 'box/1' is not valid"],
    [['a:b'], "device id 'a:b' is not valid"],
    [['voter'], "device id 'voter' is taken by the voter account"],
    [['box-1', 'box-1'], "device id 'box-1' is given twice"],
    [['--prefix', 'class/+', 'box-1'], "--prefix 'class/+' is not a valid topic prefix"],
    [['--vote-topic', 'test/#'], "--vote-topic 'test/#' must be a topic without wildcards"],
  ])('refuses %j with a message naming the problem', (args, message) => {
    const result = bash([join(MOSQUITTO_DIR, 'make-accounts.sh'), '--dir', join(dir, 'refused'), ...args]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it.skipIf(!canRun('mosquitto'))('writes the legacy vote topic and another prefix into the ACL', () => {
    const other = join(dir, 'other');
    const result = bash([join(MOSQUITTO_DIR, 'make-accounts.sh'), '--dir', other, '--prefix', 'école/b', '--vote-topic', 'test/phone', 'box-1']);
    expect(result.status, result.stderr).toBe(0);
    const acl = readFileSync(join(other, 'acl'), 'utf8');
    const anonymous = acl.slice(0, acl.search(/^user /m));
    expect(anonymous).toMatch(/^topic write école\/b\/votes\/\+$/m);
    expect(anonymous).toMatch(/^topic readwrite test\/phone$/m);
    expect(acl).not.toMatch(/^topic \w+ classroom\//m);
    expect(acl).toMatch(/^user classroom-server\ntopic readwrite école\/b\/#\ntopic read test\/phone$/m);
  });
});

describe.skipIf(!canRun('openssl'))('deploy/mosquitto/make-certs.sh', () => {
  it('makes a CA and a server certificate for the names given, and keeps the CA when run again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-certs-'));
    try {
      const args = [join(MOSQUITTO_DIR, 'make-certs.sh'), '--dir', dir, '--name', 'classe.local', '--ip', '192.168.1.20'];
      expect(bash(args).status).toBe(0);
      const ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
      const verify = spawnSync('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'server.crt')], { encoding: 'utf8' });
      expect(verify.stdout).toContain(': OK');
      const san = spawnSync('openssl', ['x509', '-in', join(dir, 'server.crt'), '-noout', '-ext', 'subjectAltName'], { encoding: 'utf8' });
      expect(san.stdout).toMatch(/DNS:classe\.local, IP Address:192\.168\.1\.20/);
      const again = bash([...args.slice(0, 3), '--name', 'classe.local', '--name', 'pi.local', '--ip', '192.168.1.20']);
      expect(again.stdout).toContain('The names changed');
      expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(ca);
      expect(spawnSync('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'server.crt')], { encoding: 'utf8' }).stdout).toContain(': OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * deploy/kiosk/kiosk.sh with a stand-in `chromium-browser` that records its
 * arguments and exits at once, as a crashed or closed browser does.
 */
describe('deploy/kiosk/kiosk.sh', () => {
  it('opens the configured page in kiosk mode, clears the "restore pages" state, and starts the browser again when it exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-kiosk-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const launches = join(dir, 'launches.log');
    writeFileSync(join(bin, 'chromium-browser'), `#!/bin/sh\necho "$*" >> '${launches}'\nexit 1\n`);
    writeFileSync(join(bin, 'curl'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'chromium-browser'), 0o755);
    chmodSync(join(bin, 'curl'), 0o755);
    const prefs = join(dir, 'home/.config/chromium/Default/Preferences');
    mkdirSync(join(dir, 'home/.config/chromium/Default'), { recursive: true });
    writeFileSync(prefs, '{"profile":{"exit_type":"Crashed","exited_cleanly":false}}');
    writeFileSync(join(dir, 'kiosk.env'), 'KIOSK_URL=http://classe.local:8080/kiosk\n');
    const child = spawn('bash', [join(DEPLOY_DIR, 'kiosk/kiosk.sh')], {
      detached: true,
      stdio: 'ignore',
      env: {
        PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        HOME: join(dir, 'home'),
        KIOSK_ENV_FILE: join(dir, 'kiosk.env'),
        KIOSK_RESTART_DELAY: '0.2',
      },
    });
    try {
      const lines = () => (existsSync(launches) ? readFileSync(launches, 'utf8').trim().split('\n') : []);
      await expect.poll(() => lines().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      for (const line of lines()) {
        expect(line).toMatch(/--kiosk/);
        expect(line).toMatch(/http:\/\/classe\.local:8080\/kiosk$/);
      }
      expect(JSON.parse(readFileSync(prefs, 'utf8'))).toEqual({ profile: { exit_type: 'Normal', exited_cleanly: true } });
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
