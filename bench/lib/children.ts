/**
 * The server and the agent run as child processes, as in a classroom: their own
 * event loop and their own memory, which `/proc/<pid>/status` reports. They are
 * bundled once per run with esbuild (dependencies left as imports), so they start
 * like the built program does, without the TypeScript loader's extra thread. The
 * agent is bundled as `npm run build` bundles the device command
 * (scripts/build-device.mjs: its dependencies inside, tree-shaken), so its memory
 * is a Pi's; `agent-unbundled` is the same child with its dependencies left as
 * imports, as tsc's dist/ ran it before (the memory row's reference).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { deviceBundleOptions } from '../../scripts/build-device.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Inside the package, so the bundles' bare imports find node_modules.
const OUT = join(ROOT, 'node_modules', '.cache', 'mqtt-classroom-bench');

export type Entry = 'hub' | 'agent' | 'agent-unbundled' | 'idle' | 'phones' | 'node';

/** Bundles bench/proc/<entry>.ts; returns the paths of the .mjs files. */
export async function bundleEntries(): Promise<Record<Entry, string>> {
  mkdirSync(OUT, { recursive: true });
  const entries = ['hub', 'idle', 'phones', 'node'] as const;
  const agent = join(ROOT, 'bench', 'proc', 'agent.ts');
  await build(deviceBundleOptions({ agent }, join(OUT, 'agent-bundle')));
  await build({
    entryPoints: { ...Object.fromEntries(entries.map((e) => [e, join(ROOT, 'bench', 'proc', `${e}.ts`)])), 'agent-unbundled': agent },
    outdir: OUT,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return {
    ...(Object.fromEntries(entries.map((e) => [e, join(OUT, `${e}.mjs`)])) as Record<(typeof entries)[number], string>),
    agent: join(OUT, 'agent-bundle', 'agent.mjs'),
    'agent-unbundled': join(OUT, 'agent-unbundled.mjs'),
  };
}

export interface Child {
  readonly pid: number;
  readonly spawnedAt: number;
  /** The first message of a type from the child (its fields). */
  next<T = Record<string, unknown>>(type: string, timeoutMs?: number): Promise<T>;
  send(message: Record<string, unknown>): void;
  /** Asks the child to stop cleanly, then kills it after a grace period. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The V8 flags the device's systemd unit runs the agent with (its
 * `Environment="NODE_OPTIONS=..."` line), so the bench measures the agent's memory
 * as deployed, not with Node's defaults.
 */
export function deviceUnitNodeOptions(): string {
  const unit = readFileSync(join(ROOT, 'deploy', 'systemd', 'mqtt-classroom-device.service'), 'utf8');
  const line = /^Environment="?NODE_OPTIONS=([^"\n]*)"?$/m.exec(unit);
  if (line === null) throw new Error('deploy/systemd/mqtt-classroom-device.service sets no NODE_OPTIONS: add it, or drop deviceUnitNodeOptions() from the bench');
  return line[1]!.trim();
}

/** Forks a bench child; `NODE_OPTIONS` is the bench's own unless `env` sets it; `execArgv` are Node flags (e.g. `--cpu-prof`). */
export function spawnChild(path: string, env: Record<string, string>, execArgv: string[] = []): Child {
  const spawnedAt = Date.now();
  const child: ChildProcess = fork(path, [], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const inbox: Record<string, unknown>[] = [];
  const waiters: { type: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (raw) => {
    const message = raw as Record<string, unknown>;
    const at = waiters.findIndex((w) => w.type === message.type);
    if (at >= 0) waiters.splice(at, 1)[0]?.resolve(message);
    else inbox.push(message);
  });
  return {
    pid: child.pid ?? -1,
    spawnedAt,
    next<T>(type: string, timeoutMs = 30_000): Promise<T> {
      const at = inbox.findIndex((m) => m.type === type);
      if (at >= 0) return Promise.resolve(inbox.splice(at, 1)[0] as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child ${path} sent no "${type}" in ${timeoutMs} ms`)), timeoutMs);
        const waiter = {
          type,
          resolve: (m: Record<string, unknown>) => {
            clearTimeout(timer);
            resolve(m as T);
          },
        };
        waiters.push(waiter);
        void exited.then(() => {
          if (!waiters.includes(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`child ${path} exited (code ${child.exitCode}) before "${type}"`));
        });
      });
    },
    send(message) {
      if (child.connected) child.send(message);
    },
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident memory of a process in MB (VmRSS), or VmHWM, its peak so far. */
export function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Samples VmRSS every `everyMs` until stopped; returns the highest seen. */
export function sampleRss(pid: number, everyMs = 100): () => number {
  let max = rssMb(pid);
  const timer = setInterval(() => {
    const now = rssMb(pid);
    if (now > max || Number.isNaN(max)) max = now;
  }, everyMs);
  return () => {
    clearInterval(timer);
    return Math.max(max, rssMb(pid));
  };
}

/** CPU time (user + system) a process has used so far, in seconds; NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): state is the 3rd, utime the 14th, stime the 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    // Clock ticks: 100 per second on Linux (USER_HZ).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
