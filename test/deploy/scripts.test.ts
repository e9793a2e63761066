import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRun, findBinary } from '../harness/system-deps.js';
import { DEPLOY_DIR, MOSQUITTO_DIR } from './mosquitto-profile.js';

const ROOT = join(DEPLOY_DIR, '..');
const PI_SETUP = join(DEPLOY_DIR, 'pi-setup.sh');

function bash(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync('bash', args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
}

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

/**
 * pi-setup.sh --dry-run on this machine. Every program that could change the
 * system is replaced, through PATH, by a stand-in that records its name and
 * fails; the dry run must call none of them, and must leave the boot config file
 * it reads untouched. raspi-config's stand-in also makes the Raspberry Pi steps
 * (desktop auto-login, blanking) appear in the plan.
 */
describe('deploy/pi-setup.sh', () => {
  const CHANGERS = [
    'apt-get', 'systemctl', 'useradd', 'groupadd', 'usermod', 'install', 'rsync', 'npm', 'mosquitto_passwd',
    'raspi-config', 'curl', 'gpg', 'chown', 'chmod', 'chgrp', 'mkdir', 'cp', 'mv', 'rm', 'tee', 'ln', 'openssl', 'dd',
    'runuser', 'certutil',
  ];
  let dir: string;
  let calls: string;
  let env: NodeJS.ProcessEnv;
  let bootConfig: string;
  const BOOT_CONFIG = '# Raspberry Pi config.txt\ndtparam=audio=on\ncamera_auto_detect=1\n';

  const osRelease = (fields: string) => {
    const path = join(dir, `os-release-${Math.random().toString(36).slice(2)}`);
    writeFileSync(path, fields);
    return path;
  };
  const deviceConfig = (json: object) => {
    const path = join(dir, `device-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(json, null, 2));
    return path;
  };
  const dryRun = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => bash([PI_SETUP, ...args], { ...env, ...extraEnv });
  const callsMade = () => readFileSync(calls, 'utf8');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-pi-setup-'));
    const shims = join(dir, 'shims');
    mkdirSync(shims);
    calls = join(dir, 'calls.log');
    writeFileSync(calls, '');
    for (const name of CHANGERS) {
      const shim = join(shims, name);
      writeFileSync(shim, `#!/bin/sh\necho "${name} $*" >> '${calls}'\nexit 1\n`);
      chmodSync(shim, 0o755);
    }
    bootConfig = join(dir, 'config.txt');
    writeFileSync(bootConfig, BOOT_CONFIG);
    env = {
      PATH: `${shims}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      PI_SETUP_OS_RELEASE: osRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n'),
      PI_SETUP_BOOT_CONFIG: bootConfig,
      SUDO_USER: '',
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the whole plan for a hub with an agent and a DS18B20, and changes nothing', () => {
    const device = deviceConfig({ deviceId: 'box-1', bread: { sensor: { type: 'ds18b20' } }, inputs: [] });
    // The kiosk user's home, with the wayfire.ini a Wayfire desktop made.
    const home = join(dir, 'home');
    mkdirSync(join(home, '.config'), { recursive: true });
    const wayfire = '[core]\nplugins = autostart idle\n\n[autostart]\npanel = wf-panel-pi\n\n[idle]\ndpms_timeout = 600\n';
    writeFileSync(join(home, '.config/wayfire.ini'), wayfire);
    const result = dryRun(['--dry-run', '--device-config', device, '--kiosk-user', 'nobody', '--host', '10.0.0.5'], { PI_SETUP_KIOSK_HOME: home });
    const out = result.stdout;
    expect(result.status, result.stderr).toBe(0);
    expect(out).toContain('DRY RUN: nothing will be changed');
    // 1. packages, 2. Node (here already new enough), 3. users
    expect(out).toMatch(/would run: .*apt-get install -y .*mosquitto mosquitto-clients/);
    expect(out).toMatch(/Node\.js \d+\.\d+\.\d+ is installed: keeping it/);
    expect(out).toMatch(/would run: useradd --system .* mqtt-classroom-device/);
    expect(out).toContain('would run: usermod --append --groups gpio,dialout mqtt-classroom-device');
    // 4. project, 5. broker with the device's account
    expect(out).toContain('would run in /opt/mqtt-classroom: npm ci');
    expect(out).toContain('would run in /opt/mqtt-classroom: npm run build');
    expect(out).toMatch(/make-accounts\.sh --dir \/etc\/mosquitto\/classroom --prefix classroom --profile classroom --host 10\.0\.0\.5 box-1/);
    expect(out).toContain('deploy/mosquitto/classroom.conf /etc/mosquitto/conf.d/mqtt-classroom.conf');
    // 6. settings, secrets masked
    expect(out).toMatch(/would write \/etc\/mqtt-classroom\/server\.env \(mode 0600/);
    expect(out).toContain('| MQTT_WS_URL=ws://10.0.0.5:9001');
    expect(out).toContain('| MQTT_PASSWORD=<secret>');
    expect(out).toContain('| MQTT_USERNAME=box-1');
    // 7. 1-wire, 8. services, 9. kiosk
    expect(out).toContain(`would add to ${bootConfig}`);
    expect(out).toContain('| dtoverlay=w1-gpio,gpiopin=4');
    expect(out).toContain('would run: systemctl enable mqtt-classroom-server.service');
    expect(out).toContain('would run: systemctl restart mqtt-classroom-device.service');
    expect(out).toContain('would run: raspi-config nonint do_blanking 1');
    expect(out).toContain('| /opt/mqtt-classroom/deploy/kiosk/kiosk.sh &');
    expect(out).toContain(
      [
        '      | [core]',
        '      | plugins = autostart idle',
        '      | ',
        '      | [autostart]',
        '      | panel = wf-panel-pi',
        '      | mqtt_classroom_kiosk = /opt/mqtt-classroom/deploy/kiosk/kiosk.sh',
        '      | ',
        '      | [idle]',
        '      | dpms_timeout = -1',
        '      | screensaver_timeout = -1',
      ].join('\n'),
    );
    expect(out).toContain('Done (dry run: nothing was changed)');
    // ...and nothing happened.
    expect(callsMade()).toBe('');
    expect(readFileSync(bootConfig, 'utf8')).toBe(BOOT_CONFIG);
    expect(readFileSync(join(home, '.config/wayfire.ini'), 'utf8')).toBe(wayfire);
  });

  it('leaves 1-wire alone without a DS18B20, and runs no agent without a device config', () => {
    const device = deviceConfig({ deviceId: 'box-2', bread: { sensor: { type: 'simulated' } } });
    const withAgent = dryRun(['--dry-run', '--device-config', device, '--no-kiosk']);
    expect(withAgent.status, withAgent.stderr).toBe(0);
    expect(withAgent.stdout).toContain('not needed (no ds18b20 sensor');
    expect(withAgent.stdout).not.toContain('dtoverlay=w1-gpio');
    const hubOnly = dryRun(['--dry-run', '--no-kiosk', '--profile', 'secure']);
    expect(hubOnly.status, hubOnly.stderr).toBe(0);
    expect(hubOnly.stdout).not.toContain('mqtt-classroom-device.service');
    expect(hubOnly.stdout).toContain('deploy/mosquitto/secure.conf /etc/mosquitto/conf.d/mqtt-classroom.conf');
    expect(hubOnly.stdout).toMatch(/make-certs\.sh --dir \/etc\/mosquitto\/certs\/classroom/);
    expect(hubOnly.stdout).toMatch(/\| MQTT_WS_URL=wss:\/\/.+:8081/);
    // A secure kiosk: Chromium gets the classroom CA in its own certificate store.
    const secureKiosk = dryRun(['--dry-run', '--profile', 'secure', '--kiosk-user', 'nobody'], { PI_SETUP_KIOSK_HOME: join(dir, 'kiosk-home') });
    expect(secureKiosk.status, secureKiosk.stderr).toBe(0);
    expect(secureKiosk.stdout).toMatch(/would run: runuser -u nobody -- certutil -d sql:.*kiosk-home\/\.pki\/nssdb -A .* -i \/etc\/mosquitto\/certs\/classroom\/ca\.crt/);
    expect(callsMade()).toBe('');
  });

  it('plans a building: one hub per room, each with its prefix, web port, .env, database and service', () => {
    const result = dryRun(['--dry-run', '--no-kiosk', '--room', 'salle-12', '--room', 'salle-14:8090']);
    expect(result.status, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toContain('hubs:            room salle-12 on web port 8080; room salle-14 on web port 8090;');
    // One ACL with both rooms' prefixes.
    expect(out).toMatch(/make-accounts\.sh --dir \/etc\/mosquitto\/classroom --prefix salle-12 .*--prefix salle-14/);
    // Each room's settings: its own prefix and port, a private client id and admin token each.
    for (const [room, port] of [['salle-12', '8080'], ['salle-14', '8090']]) {
      const env = out.split(`would write /etc/mqtt-classroom/${room}.env (mode 0600, owner root:root):`)[1]?.split('[dry-run]')[0] ?? '';
      expect(env, room).toContain(`| TOPIC_PREFIX=${room}`);
      expect(env, room).toContain(`| HTTP_PORT=${port}`);
      expect(env, room).toMatch(/\| MQTT_CLIENT_ID=mqtt-classroom-server-[0-9a-f]{12}/);
      expect(env, room).toContain('| ADMIN_TOKEN=<secret>');
      expect(out).toContain(`would run: systemctl enable mqtt-classroom-server@${room}.service`);
    }
    expect(out).toContain('would write /etc/systemd/system/mqtt-classroom-server@.service');
    expect(out).not.toContain('/etc/mqtt-classroom/server.env');
    expect(out).not.toContain('systemctl enable mqtt-classroom-server.service');
    expect(out).toContain('Room salle-14: kiosk http://');
    expect(callsMade()).toBe('');
  });

  it.each([
    [['--room', 'Salle 12'], "the name must be 1 to 32 lowercase letters"],
    [['--room', 'a', '--room', 'a'], '--room a is given twice'],
    [['--room', 'a:8080', '--room', 'b:8080'], 'port 8080 is already another room'],
    [['--room', 'a:1883'], "port 1883 is Mosquitto's"],
    [['--room', 'a:http'], 'the web port must be a number'],
    [['--room', 'a', '--prefix', 'x'], '--prefix and --room do not mix'],
  ])('refuses the rooms %j with a message naming what to fix', (args, message) => {
    const result = dryRun(['--dry-run', '--no-kiosk', ...args]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it.each([
    ['Raspberry Pi OS 32-bit', 'ID=raspbian\nID_LIKE=debian\nPRETTY_NAME="Raspbian GNU/Linux 12 (bookworm)"\n'],
    ['Ubuntu', 'ID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 24.04 LTS"\n'],
  ])('accepts %s as Debian-based', (_name, fields) => {
    const result = dryRun(['--dry-run', '--no-kiosk'], { PI_SETUP_OS_RELEASE: osRelease(fields) });
    expect(result.status, result.stderr).toBe(0);
  });

  it.each([
    ['Fedora', 'ID=fedora\nPRETTY_NAME="Fedora Linux 40 (Workstation Edition)"\n', 'this system is Fedora Linux 40 (Workstation Edition), not Debian-based'],
    ['Arch', 'ID=arch\nPRETTY_NAME="Arch Linux"\n', 'this system is Arch Linux, not Debian-based'],
    ['no os-release', null, 'so this does not look like a Debian-based Linux'],
  ])('refuses %s with a clear message, before doing anything', (_name, fields, message) => {
    const path = fields === null ? join(dir, 'missing-os-release') : osRelease(fields);
    const result = dryRun(['--dry-run'], { PI_SETUP_OS_RELEASE: path });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^pi-setup\.sh: /);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
    expect(callsMade()).toBe('');
  });

  it.each([
    [['--profile', 'open'], "--profile must be classroom or secure, not 'open'"],
    [['--device-config', '/nonexistent/device.json'], 'cannot read the device config /nonexistent/device.json'],
    [['--cert', '/etc/hostname'], '--cert, --key and --ca are for --profile secure'],
    [['--bogus'], 'unknown argument --bogus'],
  ])('refuses %j with a message naming what to fix', (args, message) => {
    const result = dryRun(['--dry-run', ...args]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it('names the missing field of a device config without a deviceId', () => {
    const result = dryRun(['--dry-run', '--device-config', deviceConfig({ inputs: [] })]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/has no "deviceId": add one/);
  });

  it.skipIf(findBinary('setpriv') === null || process.getuid?.() !== 0)('refuses to run for real without root', () => {
    // The user `nobody` must be able to read the fake os-release in our folder.
    chmodSync(dir, 0o755);
    const result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', PI_SETUP, '--no-kiosk'], {
      cwd: '/',
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('run it as root');
    expect(callsMade()).toBe('');
  });
});
