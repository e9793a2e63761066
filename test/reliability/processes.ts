import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { until } from '../harness/wait.js';

/**
 * The real programs, as a teacher runs them: `node bin/mqtt-classroom.js server`
 * and `... device --config file.json`, each in its own process so that a SIGKILL
 * is a real crash. They run the built code (dist/): `npm test` builds first.
 */
const BIN = join(process.cwd(), 'bin', 'mqtt-classroom.js');
export const ADMIN_TOKEN = 'reliability-admin-token-0123';

/** The reliability suite's wait: test/harness/wait.ts's `until`, with its longer default. */
export function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  return until(condition, what, { timeout: timeoutMs, interval: everyMs });
}

/** Resident memory of a process in bytes, from /proc/<pid>/status (Linux). */
export function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** `mqtt-classroom server` in its own process; MQTT_URL unset runs the embedded broker. */
export class ServerProcess {
  child: ChildProcess | null = null;
  httpUrl = '';
  /** The embedded broker's MQTT URL (null with an external broker). */
  brokerUrl: string | null = null;
  stderr = '';
  starts = 0;

  /** `fdLimit`: run under this open-files limit (`prlimit --nofile`), like a Pi's default 1024. */
  constructor(
    private readonly env: Record<string, string>,
    private readonly limits: { fdLimit?: number } = {},
  ) {}

  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error('the server is not running');
    return pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const fd = this.limits.fdLimit;
    const [command, args] = fd === undefined ? [process.execPath, [BIN, 'server']] : ['prlimit', [`--nofile=${fd}:${fd}`, process.execPath, BIN, 'server']];
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', ADMIN_TOKEN, LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Not the project folder: a developer's .env there must not change the test.
      cwd: tmpdir(),
    });
    this.child = child;
    this.starts += 1;
    child.stderr?.on('data', (c: Buffer) => {
      // Keep the tail only: a fuzz run logs a summary line per reason.
      this.stderr = (this.stderr + c.toString()).slice(-20_000);
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the server did not start in 20 s:\n${this.stderr}`)), 20_000);
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const web = /kiosk \(results\)\s+(http:\/\/\S+?)\/\s/.exec(out);
        const broker = /broker\s+(mqtt:\/\/\S+)/.exec(out);
        if (web !== null && broker !== null) {
          clearTimeout(timer);
          this.httpUrl = web[1] as string;
          this.brokerUrl = out.includes('(embedded)') ? (broker[1] as string) : null;
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code}) at start-up:\n${this.stderr}`));
      });
    });
  }

  /** Sends a signal and resolves with the exit code (null after SIGKILL). */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const child = this.child;
    this.child = null;
    if (child === null) return null;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exitOf(child);
  }

  async api<T = any>(path: string, method = 'GET', body?: unknown): Promise<T> {
    const response = await fetch(`${this.httpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async createOpenPoll(id: string, options: string[], policy = 'every-press'): Promise<void> {
    await this.api('/api/polls', 'POST', { id, question: `Question ${id} ?`, options, policy });
    await this.api(`/api/polls/${id}/open`, 'POST');
  }
}

/** One vote the agent accepted: it wrote it to its outbox (its log line says so, with the id). */
export interface PressedVote {
  id: string;
  option: string;
  poll: string;
}

/**
 * `mqtt-classroom device --config <file>` with a simulation input: `count` presses
 * round-robin over the poll's options. What the agent accepted is read from its
 * own log ("button 1 → vote A on poll p id=...", written after the outbox commit)
 * and, after a SIGKILL, from its outbox file: a vote committed in the instant
 * before the kill may not have reached the log yet.
 */
export class AgentProcess {
  child: ChildProcess | null = null;
  log = '';
  readonly outboxPath: string;
  private readonly configPath: string;

  constructor(
    readonly deviceId: string,
    private readonly options: { dataDir: string; env: Record<string, string>; pollId: string; buttons: number; count: number; ratePerSecond: number; receiptTimeoutMs: number },
  ) {
    this.outboxPath = join(options.dataDir, `outbox-${deviceId}.sqlite`);
    this.configPath = join(options.dataDir, `${deviceId}.json`);
  }

  /** Starts the agent; `count` presses (default: what is left of the configured count). */
  start(count = this.options.count): void {
    const o = this.options;
    mkdirSync(o.dataDir, { recursive: true });
    writeFileSync(
      this.configPath,
      JSON.stringify({
        deviceId: this.deviceId,
        pollId: o.pollId,
        // A press made before the retained poll arrives is stored by position and
        // resolved by the hub (issue 14); the short wait only keeps the log tidy.
        inputs: [{ type: 'simulation', buttons: o.buttons, ratePerSecond: o.ratePerSecond, count, pattern: 'round-robin', pressMs: 5, startAfterMs: 800 }],
        outbox: { receiptTimeoutMs: o.receiptTimeoutMs, maxInFlight: 50 },
      }),
    );
    const child = spawn(process.execPath, [BIN, 'device', '--config', this.configPath], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: o.dataDir, LOG_LEVEL: 'info', ...o.env },
      stdio: ['ignore', 'ignore', 'pipe'],
      cwd: tmpdir(),
    });
    this.child = child;
    child.stderr?.on('data', (c: Buffer) => (this.log += c.toString()));
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    this.child = null;
    if (child === null) return null;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exitOf(child);
  }

  /** The votes this agent's log says it accepted, in order. */
  pressedFromLog(): PressedVote[] {
    const votes: PressedVote[] = [];
    for (const match of this.log.matchAll(/→ vote (\S+) on poll (\S+) id="([^"]+)"/g)) {
      votes.push({ option: match[1] as string, poll: match[2] as string, id: match[3] as string });
    }
    return votes;
  }

  /** Presses the simulation made so far whose vote was refused by the agent (no poll yet...). */
  refusedPresses(): number {
    return [...this.log.matchAll(/the press is not a vote/g)].length;
  }

  /** The votes in the outbox file now (waiting for a receipt). Read-only; fine while the agent runs. */
  outbox(): PressedVote[] {
    if (!existsSync(this.outboxPath)) return [];
    const db = new Database(this.outboxPath, { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT id, topic, payload FROM outbox ORDER BY seq').all() as { id: string; topic: string; payload: string }[];
      return rows.map((row) => {
        // A press stored before the agent knew the poll's options names its position (`#2`), as its log line does.
        const { option, position } = JSON.parse(row.payload) as { option?: string; position?: number };
        return { id: row.id, poll: row.topic.split('/').at(-1) as string, option: option ?? `#${String(position)}` };
      });
    } finally {
      db.close();
    }
  }
}
