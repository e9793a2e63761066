import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { type EnvName, type ServerEnv, loadServerEnv } from '../../runtime/env.js';
import { type TallySnapshot, decodeTally } from '../../shared/codecs/tally.js';
import { type RunningServer, type StartServerOptions, startServer } from '../../server/index.js';
import { topicMatches as matches } from '../../shared/topic-filter.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123';

/** A temporary DATA_DIR, removed by `remove()`. */
export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-server-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The server's configuration for a test: loopback, ports 0, a temporary DATA_DIR. */
export function testConfig(dataDir: string, env: Partial<Record<EnvName, string>> = {}): ServerEnv {
  return loadServerEnv({
    env: {
      MQTT_PORT: '0',
      MQTT_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      LOG_LEVEL: 'silent',
      ...env,
    },
    dotenvPath: null,
  });
}

export interface TestServer {
  running: RunningServer;
  dataDir: string;
  /** Stops the server (if still running) and removes its DATA_DIR. */
  dispose(): Promise<void>;
}

export async function startTestServer(
  env: Partial<Record<EnvName, string>> = {},
  options: Omit<StartServerOptions, 'config'> & { dataDir?: string } = {},
): Promise<TestServer> {
  const temp = options.dataDir === undefined ? tempDataDir() : null;
  const dataDir = options.dataDir ?? (temp as { dir: string }).dir;
  const running = await startServer({ ...options, config: testConfig(dataDir, env) });
  let stopped = false;
  return {
    running,
    dataDir,
    dispose: async () => {
      if (!stopped) await running.stop();
      stopped = true;
      temp?.remove();
    },
  };
}

/** Calls the admin API with the test token (or the one given). */
export async function admin(
  server: RunningServer,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = server.adminToken,
): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const response = await fetch(`${server.httpUrl}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // CSV or text
  }
  return { status: response.status, json, text, headers: response.headers };
}

/** Creates and opens a poll through the in-process API. */
export function openPoll(server: RunningServer, id: string, options: string[], policy: 'every-press' | 'one-per-voter' | 'last-wins' = 'every-press'): void {
  server.polls.create({ id, question: `Question ${id}?`, options, policy });
  server.polls.open(id);
}

/**
 * Resolves with the first tally snapshot of `pollId` that satisfies `done`
 * (subscribing if needed; retained snapshots count).
 */
export function waitForTally(
  client: MqttClient,
  prefix: string,
  pollId: string,
  done: (snapshot: TallySnapshot) => boolean,
  timeoutMs = 20_000,
): Promise<TallySnapshot> {
  const topic = `${prefix}/tally/${pollId}`;
  return new Promise((resolve, reject) => {
    let last: TallySnapshot | null = null;
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no tally of ${pollId} met the condition in ${timeoutMs} ms; last: ${JSON.stringify(last)}`));
    }, timeoutMs);
    const onMessage = (t: string, payload: Buffer) => {
      if (!matches(topic, t)) return;
      const decoded = decodeTally(payload);
      if (!decoded.ok) return;
      last = decoded.value;
      if (done(decoded.value)) {
        clearTimeout(timer);
        client.off('message', onMessage);
        resolve(decoded.value);
      }
    };
    client.on('message', onMessage);
    client.subscribe(topic, { qos: 1 });
  });
}

/**
 * Collects receipts per vote id from `<prefix>/receipts/+`. On a broker with the
 * access rules that is only `receipts/<this client's id>`: votes name it as `reply`.
 */
export function receiptCollector(client: MqttClient, prefix: string) {
  const byId = new Map<string, { status: string; reason?: string }[]>();
  let total = 0;
  const listeners = new Set<() => void>();
  client.on('message', (topic, payload) => {
    if (!matches(`${prefix}/receipts/+`, topic)) return;
    const receipt = JSON.parse(payload.toString()) as { id: string; status: string; reason?: string };
    const list = byId.get(receipt.id) ?? [];
    list.push({ status: receipt.status, ...(receipt.reason === undefined ? {} : { reason: receipt.reason }) });
    byId.set(receipt.id, list);
    total += 1;
    for (const listener of listeners) listener();
  });
  return {
    byId,
    get total() {
      return total;
    },
    subscribe: () => client.subscribeAsync(`${prefix}/receipts/+`, { qos: 1 }),
    /** Resolves once `count` receipts in all have arrived. */
    waitFor(count: number, timeoutMs = 20_000): Promise<void> {
      if (total >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`got ${total} of ${count} receipts in ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (total < count) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
      });
    },
  };
}

/**
 * A SPEC §4 JSON vote. `reply` is where its receipt goes: the MQTT client id of the
 * client that reads it (only that client may, docs/protocol.md "Voter privacy").
 */
export function jsonVote(id: string, option: string, voter: string, ts = 1_764_160_000_000, reply?: string): string {
  return JSON.stringify({ id, option, voter, source: 'test', ts, ...(reply === undefined ? {} : { reply }) });
}

/** The MQTT client id of a connected MQTT.js client (the `reply` of its votes). */
export function clientIdOf(client: MqttClient): string {
  return client.options.clientId as string;
}
