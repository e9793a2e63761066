import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { decodeTally } from '../../shared/codecs/tally.js';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun, findBinary } from '../harness/system-deps.js';
import { SERVER_MOSQUITTO_SETTINGS } from './mosquitto-settings.js';
import { type TestServer, clientIdOf, jsonVote, openPoll, receiptCollector, startTestServer, waitForTally } from './helpers.js';

const hasMosquitto = canRun('mosquitto', 'mosquitto-clients');

interface Setup {
  server: TestServer;
  /** host and TCP port of the broker the voters use */
  port: number;
  url: string;
  stop(): Promise<void>;
}

const setups: [string, boolean, () => Promise<Setup>][] = [
  [
    'embedded broker',
    true,
    async () => {
      const server = await startTestServer();
      const port = server.running.mqttPort as number;
      return { server, port, url: server.running.mqttUrl, stop: () => server.dispose() };
    },
  ],
  [
    'Mosquitto',
    hasMosquitto,
    async () => {
      const mosquitto: MosquittoBroker = await startMosquitto({ extraConfig: [...SERVER_MOSQUITTO_SETTINGS] });
      const server = await startTestServer({ MQTT_URL: mosquitto.url });
      return {
        server,
        port: mosquitto.port,
        url: mosquitto.url,
        stop: async () => {
          await server.dispose();
          await mosquitto.dispose();
        },
      };
    },
  ],
];

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(findBinary(command) ?? command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err}`))));
  });
}

describe.each(setups)('votes through the %s', (_name, available, start) => {
  let setup: Setup;
  const clients: MqttClient[] = [];
  beforeAll(async () => {
    if (available) setup = await start();
  });
  afterAll(async () => {
    await setup?.stop();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(closeClient));
  });
  const client = async () => {
    const c = await connectClient(setup.url);
    clients.push(c);
    return c;
  };

  it.skipIf(!available)('counts votes from MQTT.js and mosquitto_pub; a late mosquitto_sub reads the same retained counts', async () => {
    const { running } = setup.server;
    openPoll(running, 'cours', ['IFT1215', 'MAT1400', 'IFT1065']);
    const voter = await client();
    const watcher = await client();
    const published: string[] = [];
    // MQTT.js: JSON votes and plain option ids, as devices and phone apps send them.
    for (const [i, option] of ['IFT1215', 'MAT1400', 'IFT1215'].entries()) {
      await voter.publishAsync('classroom/votes/cours', jsonVote(`js-${i}`, option, 'box-1'), { qos: 1 });
      published.push(option);
    }
    await voter.publishAsync('classroom/votes/cours', 'IFT1065', { qos: 1 });
    published.push('IFT1065');
    // mosquitto_pub, the course's tool.
    const pub = (message: string) => run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(setup.port), '-q', '1', '-t', 'classroom/votes/cours', '-m', message]);
    await pub('MAT1400');
    published.push('MAT1400');
    await pub(jsonVote('cli-1', 'IFT1065', 'terminal'));
    published.push('IFT1065');

    const expected: Record<string, number> = { IFT1215: 0, MAT1400: 0, IFT1065: 0 };
    for (const option of published) expected[option] = (expected[option] ?? 0) + 1;
    const live = await waitForTally(watcher, 'classroom', 'cours', (s) => s.total === published.length);
    expect(live.counts).toEqual(expected);

    // After the fact: the retained snapshot, read by mosquitto_sub.
    const out = await run('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(setup.port), '-t', 'classroom/tally/cours', '-C', '1', '-W', '10']);
    const retained = decodeTally(out.trim());
    expect(retained.ok && retained.value.counts).toEqual(expected);
    expect(retained.ok && retained.value.total).toBe(published.length);
  });

  it.skipIf(!available)('counts 1,000 votes each delivered twice once, and answers all 2,000 with a receipt', async () => {
    const { running } = setup.server;
    openPoll(running, 'twice', ['A', 'B', 'C']);
    const listener = await client();
    const receipts = receiptCollector(listener, 'classroom');
    await receipts.subscribe();
    const voter = await client();
    const options = ['A', 'B', 'C'];
    const votes = Array.from({ length: 1000 }, (_, i) => ({ id: `v-${i}`, option: options[i % 3] as string, voter: `box-${i % 10}` }));
    const sends: Promise<unknown>[] = [];
    // The second copy is what a QoS 1 redelivery or an outbox replay looks like.
    for (const copy of [0, 1]) {
      for (const v of votes) sends.push(voter.publishAsync('classroom/votes/twice', jsonVote(v.id, v.option, v.voter, undefined, clientIdOf(listener)), { qos: 1 }));
      if (copy === 0) await Promise.all(sends);
    }
    await Promise.all(sends);
    await receipts.waitFor(2000);

    expect(receipts.total).toBe(2000);
    for (const v of votes) {
      expect(receipts.byId.get(v.id)?.map((r) => r.status).sort()).toEqual(['counted', 'duplicate']);
    }
    const tally = await waitForTally(listener, 'classroom', 'twice', (s) => s.total >= 1000);
    expect(tally.total).toBe(1000);
    const expected = Object.fromEntries(options.map((o) => [o, votes.filter((v) => v.option === o).length]));
    expect(tally.counts).toEqual(expected);
  });
});
