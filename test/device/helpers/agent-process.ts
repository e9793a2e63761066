import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { until } from '../../harness/wait.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));

/**
 * `mqtt-classroom device --config <file>` as a child process, so a test can kill it
 * with SIGKILL like a power cut. It runs in its own folder (no stray .env) with its
 * DATA_DIR there, so the outbox survives from one run to the next.
 */
export class AgentProcess {
  readonly dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-agent-'));
  private child: ChildProcess | null = null;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({ code: null, signal: null });
  output = '';

  constructor(private readonly env: Record<string, string>) {}

  get dataDir(): string {
    return this.env.DATA_DIR ?? join(this.dir, 'data');
  }

  /** The running agent's process id (null before start and after exit). */
  get pid(): number | null {
    return this.child?.exitCode === null ? (this.child.pid ?? null) : null;
  }

  /** Writes the config and starts the agent on it; `keys`: its stdin is a pipe that `type()` writes to (the keyboard input). */
  start(config: { deviceId: string } & Record<string, unknown>, options: { keys?: boolean } = {}): void {
    const file = join(this.dir, 'device.json');
    writeFileSync(file, JSON.stringify(config, null, 2));
    const child = spawn(process.execPath, ['--import', TSX, ENTRY, 'device', '--config', file], {
      cwd: this.dir,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: this.dataDir, LOG_LEVEL: 'info', ...this.env },
      stdio: [options.keys === true ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Keystrokes for the agent's keyboard input (started with `keys: true`). */
  type(text: string): void {
    const stdin = this.child?.stdin;
    if (stdin === null || stdin === undefined) throw new Error('the agent was not started with keys: true');
    stdin.write(text);
  }

  /** Resolves once the agent's log matches. */
  async waitForLog(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    // Stops waiting as soon as the agent exits, then says which of the two happened.
    await until(() => pattern.test(this.output) || this.child?.exitCode !== null, `the agent log to match ${pattern}`, { timeout: timeoutMs, interval: 25, detail: () => this.output });
    if (!pattern.test(this.output)) throw new Error(`agent exited (${this.child?.exitCode}) before ${pattern}:\n${this.output}`);
  }

  /** Votes in the agent's outbox on disk, read as another process would after a crash. */
  outboxCount(deviceId: string): number {
    const path = join(this.dataDir, `outbox-${deviceId}.sqlite`);
    if (!existsSync(path)) return 0;
    const db = new Database(path, { fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
    } catch {
      return 0; // the table is not made yet
    } finally {
      db.close();
    }
  }

  async waitForOutbox(deviceId: string, done: (n: number) => boolean, what: string, timeoutMs = 20_000): Promise<number> {
    let n = 0;
    await until(() => done((n = this.outboxCount(deviceId))), `the outbox to reach ${what}`, { timeout: timeoutMs, interval: 50, detail: () => `now ${n}:\n${this.output}` });
    return n;
  }

  /** Resolves when the agent exits by itself (a start-up error). */
  waitExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exited;
  }

  async kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (child !== null && child.exitCode === null && child.signalCode === null) child.kill(signal);
    const result = await this.exited;
    this.child = null;
    return result;
  }

  async dispose(): Promise<void> {
    await this.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
