import { type ChildProcess, spawn } from 'node:child_process';
import { findBinary } from './system-deps.js';
import { waitForPort } from './ports.js';

/**
 * One system daemon (mosquitto, redis-server) on a config file written beforehand:
 * `ready` resolves once every one of `ports` accepts connections, or rejects (with
 * stderr and the daemon's log) if it exits first. `end(signal)` signals it, unless
 * it has exited, and waits for the exit.
 */
export class DaemonProcess {
  readonly ready: Promise<void>;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(program: { binary: string; args: readonly string[]; install: string }, ports: readonly number[], describe: { name: string; log: () => string }) {
    const binary = findBinary(program.binary);
    if (binary === null) throw new Error(`${program.binary} is not installed (${program.install})`);
    const child = spawn(binary, [...program.args], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const failed = this.exited.then(() => {
      throw new Error(`${describe.name} exited at start-up: ${stderr.trim()}\n${describe.log()}`);
    });
    this.ready = Promise.race([Promise.all(ports.map((port) => waitForPort(port))), failed]).then(() => {
      failed.catch(() => undefined);
    });
  }

  async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await this.exited;
  }
}
