import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { until } from '../../harness/wait.js';

// The sources through tsx, as the agent's process helper does: no build needed.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const ENTRY = fileURLToPath(new URL('../../device/helpers/cli-entry.ts', import.meta.url));

export interface CliNode {
  readonly child: ChildProcess;
  /** mqtt://127.0.0.1:<port> */
  readonly url: string;
  /** ws://127.0.0.1:<port>/mqtt */
  readonly wsUrl: string;
  readonly exited: Promise<unknown>;
  output(): string;
  /** SIGKILL: no DISCONNECT, no will, no clean-up in redis. */
  kill(): Promise<void>;
}

/**
 * `mqtt-classroom broker --cluster …` as a child process (loopback, ports 0), so a
 * test can kill a node for real. `env` adds the node's accounts (SERVER_MQTT_PASSWORD,
 * DEVICE_ACCOUNTS, TOPIC_PREFIX); it runs in `cwd`, an empty folder without a `.env`.
 */
export async function startCliNode(redisUrl: string, cwd: string, env: Record<string, string>): Promise<CliNode> {
  let out = '';
  const child = spawn(process.execPath, ['--import', TSX, ENTRY, 'broker', '--cluster', redisUrl, '--mqtt-port', '0', '--http-port', '0'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', MQTT_HOST: '127.0.0.1', LOG_LEVEL: 'info', DEVICE_ACCOUNTS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await until(() => out.includes('stop with Ctrl-C') || child.exitCode !== null, 'the cluster node to start', { timeout: 20_000, interval: 50, detail: () => out });
  const url = /MQTT\s+(mqtt:\/\/\S+)/.exec(out)?.[1];
  const wsUrl = /WebSocket\s+(ws:\/\/\S+)/.exec(out)?.[1];
  if (url === undefined || wsUrl === undefined) throw new Error(`the cluster node did not start:\n${out}`);
  return {
    child,
    url,
    wsUrl,
    exited,
    output: () => out,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
