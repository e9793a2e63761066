import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MosquittoProcess, readMosquittoLog } from '../harness/mosquitto.js';
import { freePort } from '../harness/ports.js';
import { findBinary } from '../harness/system-deps.js';

const run = promisify(execFile);

export const DEPLOY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../deploy');
export const MOSQUITTO_DIR = join(DEPLOY_DIR, 'mosquitto');

export type ProfileName = 'classroom' | 'secure';

/** A test-only superuser added to the generated files, to observe what others may not. */
export const SPY = { username: 'acl-test-spy', password: 'acl-test-spy-password' } as const;

/** The `.env` lines make-accounts.sh printed, per section ("hub" or a device id). */
export type PrintedEnv = Record<string, Record<string, string>>;

/**
 * A Mosquitto started from a profile file of deploy/mosquitto as shipped: the
 * accounts are made by deploy/mosquitto/make-accounts.sh (and, for the secure
 * profile, a throwaway CA by make-certs.sh) into a temporary folder, then the
 * profile is copied with only three kinds of change, each needed to run it here:
 *   - every `/etc/mosquitto/...` path points into the temporary folder;
 *   - every `listener PORT` gets a free loopback port (see `port(1883)`);
 *   - it goes into a conf.d folder included by Debian's main mosquitto.conf, as
 *     on the Pi (see writeConfig), plus `user root` when running as root, or
 *     Mosquitto would switch to user mosquitto and not read the folder.
 * Any other absolute path in the profile fails loudly, so a new setting cannot
 * slip past the rewrite.
 */
export class ProfileBroker {
  readonly dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-profile-'));
  readonly ports = new Map<number, number>();
  env: PrintedEnv = {};
  private process: MosquittoProcess | null = null;

  constructor(
    readonly profile: ProfileName,
    private readonly devices: readonly string[],
  ) {}

  get etc(): string {
    return join(this.dir, 'etc/mosquitto');
  }

  get caFile(): string {
    return join(this.etc, 'certs/classroom/ca.crt');
  }

  /** The free port that stands for a port of the shipped profile (1883, 9001, 8883, 8081). */
  port(shipped: number): number {
    const port = this.ports.get(shipped);
    if (port === undefined) throw new Error(`the ${this.profile} profile has no listener ${shipped}`);
    return port;
  }

  log(): string {
    return readMosquittoLog(this.dir);
  }

  /** Makes the accounts (and certificates), writes the rewritten config, starts Mosquitto. */
  async setUp(): Promise<this> {
    const accountsDir = join(this.etc, 'classroom');
    const { stdout } = await run('bash', [
      join(MOSQUITTO_DIR, 'make-accounts.sh'),
      '--dir',
      accountsDir,
      '--profile',
      this.profile,
      '--host',
      '127.0.0.1',
      ...this.devices,
    ]);
    this.env = parsePrintedEnv(stdout);
    await run(mosquittoPasswd(), ['-b', join(accountsDir, 'passwd'), SPY.username, SPY.password]);
    appendFileSync(join(accountsDir, 'acl'), `\n# test only: sees and writes everything\nuser ${SPY.username}\ntopic readwrite #\n`);
    if (this.profile === 'secure') {
      await run('bash', [join(MOSQUITTO_DIR, 'make-certs.sh'), '--dir', join(this.etc, 'certs/classroom'), '--name', 'localhost', '--ip', '127.0.0.1']);
    }
    await this.writeConfig();
    await this.start();
    return this;
  }

  async start(): Promise<void> {
    this.process = new MosquittoProcess(join(this.dir, 'mosquitto.conf'), [...this.ports.values()], {
      name: `mosquitto (${this.profile} profile)`,
      log: () => this.log(),
    });
    await this.process.ready;
  }

  /** SIGTERM: Mosquitto saves its persistence file on the way out. */
  async stop(): Promise<void> {
    const running = this.process;
    if (running === null) return;
    this.process = null;
    await running.end('SIGTERM');
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Debian's own /etc/mosquitto/mosquitto.conf (Debian 12, Raspberry Pi OS
   * Bookworm) with its paths moved here, including conf.d where the profile goes,
   * as pi-setup.sh installs it: a setting the profile repeats in a way Mosquitto
   * refuses (a second persistence_location...) fails here as it would on the Pi.
   */
  private async writeConfig(): Promise<void> {
    const confD = join(this.dir, 'conf.d');
    mkdirSync(confD, { recursive: true });
    writeFileSync(
      join(this.dir, 'mosquitto.conf'),
      [
        '# Debian 12 /etc/mosquitto/mosquitto.conf, paths moved by test/deploy/mosquitto-profile.ts',
        `pid_file ${join(this.dir, 'mosquitto.pid')}`,
        'persistence true',
        `persistence_location ${this.dir}/`,
        `log_dest file ${join(this.dir, 'mosquitto.log')}`,
        // Run as whoever runs the test (as root Mosquitto would switch to user mosquitto).
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        `include_dir ${confD}`,
        '',
      ].join('\n'),
    );
    const shipped = readFileSync(join(MOSQUITTO_DIR, `${this.profile}.conf`), 'utf8');
    const out: string[] = [`# ${this.profile}.conf from deploy/mosquitto, rewritten by test/deploy/mosquitto-profile.ts`];
    for (const line of shipped.split('\n')) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const listener = /^listener\s+(\d+)(\s+\S+)?$/.exec(trimmed);
      if (listener !== null) {
        const shippedPort = Number(listener[1]);
        if (!this.ports.has(shippedPort)) this.ports.set(shippedPort, await freePort());
        out.push(`listener ${this.port(shippedPort)} 127.0.0.1`);
        continue;
      }
      const words = trimmed.split(/\s+/).map((word) => {
        if (word.startsWith('/etc/mosquitto/')) return join(this.etc, word.slice('/etc/mosquitto/'.length));
        if (word.startsWith('/')) throw new Error(`${this.profile}.conf: unexpected path ${word}; teach test/deploy/mosquitto-profile.ts to rewrite it`);
        return word;
      });
      out.push(words.join(' '));
    }
    writeFileSync(join(confD, 'mqtt-classroom.conf'), `${out.join('\n')}\n`);
  }
}

export async function startProfile(profile: ProfileName, devices: readonly string[]): Promise<ProfileBroker> {
  const broker = new ProfileBroker(profile, devices);
  try {
    return await broker.setUp();
  } catch (error) {
    await broker.dispose();
    throw error;
  }
}

/**
 * Reads make-accounts.sh's output: a `# ---- the hub's .env` section, then one
 * `# ---- device ID's .env` section per device, each with KEY=VALUE lines.
 */
export function parsePrintedEnv(stdout: string): PrintedEnv {
  const sections: PrintedEnv = {};
  let current: Record<string, string> | null = null;
  for (const line of stdout.split('\n')) {
    const header = /^# ---- (?:the hub|device (\S+))'s \.env/.exec(line);
    if (header !== null) {
      current = {};
      sections[header[1] ?? 'hub'] = current;
      continue;
    }
    const pair = /^([A-Z_]+)=(.*)$/.exec(line);
    if (pair !== null && current !== null) current[pair[1] as string] = pair[2] as string;
  }
  return sections;
}

function mosquittoPasswd(): string {
  const binary = findBinary('mosquitto_passwd');
  if (binary === null) throw new Error('mosquitto_passwd is not installed (apt-get install -y mosquitto)');
  return binary;
}
