import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary } from '../harness/system-deps.js';
import { PI_SETUP, bash } from './script-runner.js';

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
    [['--room', 'a:9002'], "port 9002 is Mosquitto's"],
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
