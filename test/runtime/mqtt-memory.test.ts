import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { canRun } from '../harness/system-deps.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const CONNECTION = pathToFileURL(join(ROOT, 'runtime', 'mqtt', 'connection.ts')).href;

/**
 * In a fresh Node process (nothing else has written an MQTT packet there): one
 * MqttConnection connects, publishes at QoS 1 (a message id is written) and stops;
 * then it prints how many Buffers mqtt-packet's message-id table holds.
 */
const PROBE = `
import { createRequire } from 'node:module';
const { MqttConnection } = await import(${JSON.stringify(CONNECTION)});
const connection = new MqttConnection({ url: process.env.URL, clientId: 'memory-probe', clean: true });
connection.start();
await connection.waitConnected(10_000);
await connection.client.publishAsync('test/memory', 'x', { qos: 1 });
await connection.stop();
const numbers = createRequire(${JSON.stringify(join(ROOT, 'node_modules', 'mqtt', 'package.json'))})('mqtt-packet/numbers');
process.stdout.write(String(Object.keys(numbers.cache).length));
`;

describe.skipIf(!canRun('mosquitto'))('the MQTT link leaves out what it does not need (issue 17, agent memory)', () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.dispose();
  });

  it("does not build mqtt-packet's table of 65,536 message-id Buffers (~6 MB of heap in the agent)", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', TSX, '--input-type=module', '-e', PROBE], {
      cwd: ROOT,
      env: { ...process.env, URL: broker.url },
      timeout: 30_000,
    });
    expect(Number(stdout)).toBe(0);
  });
});
