/**
 * The server as a child process on loopback: with its embedded broker, or in
 * front of a Mosquitto. Everything a benchmark needs to reach it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, type Entry, spawnChild } from './children.js';

export const PREFIX = 'classroom';
const DEVICE_PASSWORD = 'bench-device-password';
/** Connections the benches' brokers accept (the largest crowd, bench/cluster.ts's 10,000 phones on one node, and some). */
export const AMPHITHEATRE_CONNECTIONS = 12_000;
const DEVICES = Array.from({ length: 20 }, (_, i) => `bench-box-${i}`);

export interface BenchHub {
  readonly broker: string;
  readonly child: Child;
  readonly mqttUrl: string;
  readonly wsUrl: string;
  readonly httpUrl: string;
  /** Creates and opens an every-press (or given policy) poll with options A..D; returns its id. */
  openPoll(name: string, policy?: 'every-press' | 'one-per-voter'): Promise<string>;
  /** A device id with an account, and the environment its agent runs with. */
  device(): { deviceId: string; env: Record<string, string>; dataDir: string };
  /** Votes the server counted so far. */
  counted(): Promise<number>;
  /** Database size (after the server stopped and checkpointed) minus its size when empty. */
  stop(): Promise<{ databaseBytes: number; counted: number }>;
}

export async function startHub(
  entries: Record<Entry, string>,
  webRoot: string,
  broker: { name: string; url: string | null; wsUrl: string | null; hubUrl?: string },
  env: Record<string, string> = {},
): Promise<BenchHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-bench-hub-'));
  // BENCH_HUB_PROF=<dir>: the server child alone runs with `--cpu-prof` (Node
  // refuses it in NODE_OPTIONS), its profile written there when it exits.
  const child = spawnChild(entries.hub, {
    // The hub's own listener when the broker has one (Mosquitto, as deploy/mosquitto's
    // profiles give it); the benches' raw clients and agents keep `broker.url`.
    MQTT_URL: broker.hubUrl ?? broker.url ?? '',
    MQTT_WS_URL: broker.wsUrl ?? '',
    MQTT_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_TOKEN: 'bench-admin-token',
    LOG_LEVEL: 'warn',
    DEVICE_ACCOUNTS: DEVICES.map((d) => `${d}:${DEVICE_PASSWORD}`).join(','),
    BENCH_WEB_ROOT: webRoot,
    // An amphitheatre's phones all come from 127.0.0.1 here (bench/amphitheatre.ts):
    // the embedded broker's per-address and total caps (32, 400) would refuse them.
    BROKER_MAX_CONNECTIONS: String(AMPHITHEATRE_CONNECTIONS),
    BROKER_MAX_CONNECTIONS_PER_ADDRESS: String(AMPHITHEATRE_CONNECTIONS),
    ...env,
  }, process.env.BENCH_HUB_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_HUB_PROF}`] : []);
  const dbPath = join(dataDir, 'classroom.sqlite');
  const dbSize = () => ['', '-wal'].reduce((sum, suffix) => sum + (statSync(dbPath + suffix, { throwIfNoEntry: false })?.size ?? 0), 0);
  let ready: { mqttUrl: string; wsUrl: string; httpUrl: string };
  try {
    ready = await child.next('ready');
  } catch (error) {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const emptyBytes = dbSize();
  let devices = 0;
  const agentDirs: string[] = [];
  const counted = async () => {
    child.send({ type: 'status' });
    return (await child.next<{ counted: number }>('status')).counted;
  };
  return {
    broker: broker.name,
    child,
    ...ready,
    ...(broker.hubUrl !== undefined && broker.url !== null ? { mqttUrl: broker.url } : {}),
    async openPoll(name, policy = 'every-press') {
      const id = `${name}-${randomUUID().slice(0, 8)}`;
      child.send({ type: 'poll', poll: { id, question: `bench ${name}`, options: ['A', 'B', 'C', 'D'], policy } });
      await child.next('poll-open');
      return id;
    },
    device() {
      const deviceId = DEVICES[devices++ % DEVICES.length] as string;
      const agentDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-bench-agent-'));
      agentDirs.push(agentDir);
      // With Mosquitto (the open classroom profile) the account is not checked.
      return {
        deviceId,
        dataDir: agentDir,
        env: { MQTT_URL: ready.mqttUrl, MQTT_USERNAME: deviceId, MQTT_PASSWORD: DEVICE_PASSWORD, DATA_DIR: agentDir, LOG_LEVEL: 'info' },
      };
    },
    counted,
    async stop() {
      let stored = 0;
      try {
        stored = await counted();
      } catch {
        // Gone already: no figure.
      }
      await child.stop(20_000);
      const databaseBytes = dbSize() - emptyBytes;
      for (const dir of [dataDir, ...agentDirs]) rmSync(dir, { recursive: true, force: true });
      return { databaseBytes, counted: stored };
    },
  };
}
