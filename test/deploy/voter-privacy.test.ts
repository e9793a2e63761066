import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IClientOptions, MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Figures } from '../reliability/figures.js';
import { loadServerEnv } from '../../runtime/env.js';
import { type RunningServer, startServer } from '../../server/index.js';
import { topicMatches } from '../../shared/topic-filter.js';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { startTestServer } from '../server/helpers.js';
import { PREFIX, type Subject, connectAs } from './access-matrix.js';
import { type ProfileBroker, type ProfileName, startProfile } from './mosquitto-profile.js';

/**
 * Issue 13 item 1, SPEC §8 "Voter privacy": a classmate who subscribes to
 * `receipts/+` or to `#` (as the course handout teaches) must learn no voter's
 * id, so it cannot vote in the victim's name. Run on the embedded broker and on
 * both Mosquitto profiles as shipped, each with the real hub.
 */
interface Setup {
  server: RunningServer;
  /** A URL and account as a phone on the classroom Wi-Fi uses. */
  connectPublic(clientId: string): Promise<MqttClient>;
  dispose(): Promise<void>;
}

async function embedded(): Promise<Setup> {
  const test = await startTestServer();
  return {
    server: test.running,
    connectPublic: (clientId) => connectClient(test.running.mqttUrl, { clientId }),
    dispose: () => test.dispose(),
  };
}

async function onProfile(profile: ProfileName): Promise<Setup> {
  const broker: ProfileBroker = await startProfile(profile, []);
  const dataDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-privacy-'));
  const hub = broker.env.hub ?? {};
  const moved = (url: string) => url.replace(/:(\d+)$/, (_m, port: string) => `:${broker.port(Number(port))}`);
  const tls: IClientOptions = profile === 'secure' ? { ca: readFileSync(broker.caFile) } : {};
  const config = loadServerEnv({
    env: { ...hub, MQTT_URL: moved(hub.MQTT_URL ?? ''), MQTT_WS_URL: moved(hub.MQTT_WS_URL ?? ''), HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: 'privacy-test-admin-token', LOG_LEVEL: 'silent' },
    dotenvPath: null,
  });
  const server = await startServer({ config, brokerWaitMs: 5_000 });
  // Phones use the WebSocket URL and the public account that /config.json gives.
  const subject: Subject =
    hub.BROWSER_MQTT_USERNAME === undefined
      ? { label: 'phone', who: 'public' }
      : { label: 'phone', who: 'public', username: hub.BROWSER_MQTT_USERNAME, password: hub.BROWSER_MQTT_PASSWORD };
  return {
    server,
    connectPublic: (clientId) => connectAs(moved(hub.MQTT_WS_URL ?? ''), subject, { ...tls, clientId }),
    dispose: async () => {
      await server.stop();
      await broker.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const BROKERS: { name: string; deps: Parameters<typeof canRun>; setUp: () => Promise<Setup> }[] = [
  { name: 'the embedded broker', deps: [], setUp: embedded },
  { name: 'the classroom Mosquitto profile', deps: ['mosquitto'], setUp: () => onProfile('classroom') },
  { name: 'the secure Mosquitto profile', deps: ['mosquitto', 'openssl'], setUp: () => onProfile('secure') },
];

// Rows of docs/reliability.md's table (test/reliability/render-table.ts).
const figures = new Figures('voter-privacy');
afterAll(() => figures.write());

for (const { name, deps, setUp } of BROKERS) {
  describe.skipIf(!canRun(...deps))(`voter privacy on ${name}`, () => {
    let setup: Setup;
    beforeAll(async () => {
      setup = await setUp();
      setup.server.polls.create({ id: 'cours', question: 'Quel cours ?', options: ['A', 'B'], policy: 'last-wins' });
      setup.server.polls.open('cours');
    });
    afterAll(async () => {
      await setup?.dispose();
    });

    it('a spy on receipts/+ and on # learns no voter id, so it cannot vote in the victim’s name', async () => {
      const victimId = `web-vote-${randomUUID().slice(0, 8)}`;
      const voter = `secret-${randomUUID()}`;
      const spyPlus = await setup.connectPublic(`spy-plus-${randomUUID().slice(0, 8)}`);
      const spyAll = await setup.connectPublic(`spy-all-${randomUUID().slice(0, 8)}`);
      const victim = await setup.connectPublic(victimId);
      try {
        const seen: { topic: string; payload: string }[] = [];
        for (const spy of [spyPlus, spyAll]) spy.on('message', (topic, payload) => seen.push({ topic, payload: payload.toString('utf8') }));
        await spyPlus.subscribeAsync(`${PREFIX}/receipts/+`, { qos: 1 });
        // `#` must keep showing what SPEC §4 says it shows: the tally arrives there.
        const tallyOnAll = collect(spyAll, '#', 1);
        await tallyOnAll.subscribed;
        const receipt = collect(victim, `${PREFIX}/receipts/${victimId}`, 1);
        await receipt.subscribed;
        const vote = { id: randomUUID(), option: 'A', voter, source: 'web', ts: Date.now(), reply: victimId };
        await victim.publishAsync(`${PREFIX}/votes/cours`, JSON.stringify(vote), { qos: 1 });
        // The hub publishes the receipt before the tally it changed: once the spy on
        // `#` has the tally counting A, any receipt it could read has arrived too.
        await expect.poll(() => seen.some((m) => m.topic === `${PREFIX}/tally/cours` && JSON.parse(m.payload).counts?.A === 1)).toBe(true);

        // What a spy could take for a voter id: receipt topic levels and any "voter" field.
        const learned = new Set<string>();
        for (const m of seen) {
          if (topicMatches(`${PREFIX}/receipts/+`, m.topic)) learned.add(m.topic.split('/').at(-1) as string);
          if (m.payload.includes(voter)) learned.add(voter);
        }
        for (const id of learned) {
          await spyPlus.publishAsync(`${PREFIX}/votes/cours`, JSON.stringify({ id: randomUUID(), option: 'B', voter: id, source: 'web', ts: Date.now() }), { qos: 1 });
        }
        const marker = { id: randomUUID(), option: 'B', voter: `spy-${randomUUID()}`, source: 'web', ts: Date.now() };
        await spyPlus.publishAsync(`${PREFIX}/votes/cours`, JSON.stringify(marker), { qos: 1 });
        // The spy's own vote is counted once the forged ones (sent before it) were handled.
        await expect.poll(() => setup.server.polls.get('cours').tally.counts.B ?? 0).toBeGreaterThanOrEqual(1);
        const counts = setup.server.polls.get('cours').tally.counts;
        const readReceipts = seen.filter((m) => m.topic.startsWith(`${PREFIX}/receipts/`)).length;
        figures.add({
          area: 'hostile clients',
          what: 'a classmate on receipts/+ and # learns voter ids, then votes B in the victim’s name (last-wins)',
          where: name,
          tried: 2,
          unit: 'spy subscriptions',
          lost: counts.A === 1 ? 0 : 1,
          wrong: learned.size,
          outcome: `the spies read ${readReceipts} receipts and learned ${learned.size} voter ids; tally A ${counts.A ?? 0} (the victim), B ${counts.B ?? 0} (the spy's own vote); # still showed the tally`,
        });
        expect(seen.filter((m) => m.topic.startsWith(`${PREFIX}/receipts/`))).toEqual([]);
        expect([...learned]).toEqual([]);
        expect(setup.server.polls.get('cours').tally.counts).toMatchObject({ A: 1, B: 1 });
        // ...and the victim itself still gets its receipt, on the topic named for its client id.
        expect(JSON.parse((await receipt)[0]?.payload ?? '{}')).toMatchObject({ id: vote.id, status: 'counted' });
      } finally {
        for (const client of [spyPlus, spyAll, victim]) await closeClient(client);
      }
    });
  });
}
