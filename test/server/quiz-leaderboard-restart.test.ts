/**
 * Issue 16's leaderboard across a hub restart. "Shown" lived in the hub's memory:
 * after a restart the embedded broker had no leaderboard at all, and on Mosquitto the
 * old retained copy stayed on the kiosk even when the next question opened (the hub
 * no longer knew it was shown, so it did not take it off). Now it is in the database
 * and republished at each connect.
 */
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { type Leaderboard, decodeLeaderboard } from '../../shared/codecs/leaderboard.js';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { until } from '../harness/wait.js';
import { SERVER_MOSQUITTO_SETTINGS } from './mosquitto-settings.js';
import { type TestServer, admin, startTestServer, tempDataDir } from './helpers.js';

const QUIZ = {
  id: 'quiz',
  title: 'Capitales',
  quiz: true,
  questions: [
    { question: 'France ?', options: ['Paris', 'Lyon'], correct: 'Paris' },
    { question: 'Italie ?', options: ['Rome', 'Milan'], correct: 'Rome' },
  ],
};

const brokers: [string, boolean, () => Promise<{ env: Record<string, string>; dispose(): Promise<void> }>][] = [
  ['embedded broker', true, async () => ({ env: {}, dispose: async () => undefined })],
  [
    'Mosquitto',
    canRun('mosquitto'),
    async () => {
      const mosquitto: MosquittoBroker = await startMosquitto({ extraConfig: [...SERVER_MOSQUITTO_SETTINGS] });
      return { env: { MQTT_URL: mosquitto.url }, dispose: () => mosquitto.dispose() };
    },
  ],
];

describe('the leaderboard across a hub restart', { timeout: 60_000 }, () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it.each(brokers.filter(([, available]) => available))('%s: a shown leaderboard is shown again after the restart, and taken off when the next question opens', async (_name, _available, setUp) => {
    const broker = await setUp();
    cleanups.push(() => broker.dispose());
    const data = tempDataDir();
    cleanups.push(() => data.remove());

    const first: TestServer = await startTestServer(broker.env, { dataDir: data.dir });
    cleanups.push(() => first.dispose());
    expect((await admin(first.running, 'POST', '/api/lessons', QUIZ)).status).toBe(201);
    await admin(first.running, 'POST', '/api/lessons/quiz/next');
    first.running.polls.close('quiz-1');
    expect((await admin(first.running, 'POST', '/api/quiz/quiz/leaderboard')).status).toBe(200);
    await first.running.stop();

    const server: TestServer = await startTestServer(broker.env, { dataDir: data.dir });
    cleanups.push(() => server.dispose());
    const kiosk: MqttClient = await connectClient(server.running.mqttUrl);
    cleanups.push(() => closeClient(kiosk));
    const boards: (Leaderboard | null)[] = [];
    kiosk.on('message', (_t, payload) => boards.push(decodeLeaderboard(payload)));
    await kiosk.subscribeAsync('classroom/leaderboard', { qos: 1 });
    await until(() => boards.at(-1)?.shown === true, 'the leaderboard shown after the restart', { detail: () => JSON.stringify(boards) });

    await admin(server.running, 'POST', '/api/lessons/quiz/next');
    await until(() => boards.at(-1)?.shown === false, 'the leaderboard taken off for the next question', { detail: () => JSON.stringify(boards) });
  });

  it.skipIf(!canRun('mosquitto'))("Mosquitto: a hub whose database never showed one clears the retained copy another database left", async () => {
    const mosquitto: MosquittoBroker = await startMosquitto({ extraConfig: [...SERVER_MOSQUITTO_SETTINGS] });
    cleanups.push(() => mosquitto.dispose());
    const before = tempDataDir();
    cleanups.push(() => before.remove());
    const first: TestServer = await startTestServer({ MQTT_URL: mosquitto.url }, { dataDir: before.dir });
    cleanups.push(() => first.dispose());
    expect((await admin(first.running, 'POST', '/api/lessons', QUIZ)).status).toBe(201);
    expect((await admin(first.running, 'POST', '/api/quiz/quiz/leaderboard')).status).toBe(200);
    const kiosk: MqttClient = await connectClient(mosquitto.url);
    cleanups.push(() => closeClient(kiosk));
    const payloads: string[] = [];
    kiosk.on('message', (_t, payload) => payloads.push(payload.toString()));
    await kiosk.subscribeAsync('classroom/leaderboard', { qos: 1 });
    await until(() => payloads.some((p) => decodeLeaderboard(p)?.shown === true), 'the shown leaderboard, retained');
    await first.running.stop();

    // Another database (a fresh SD card, a restored backup from before the quiz).
    const other = tempDataDir();
    cleanups.push(() => other.remove());
    const second: TestServer = await startTestServer({ MQTT_URL: mosquitto.url }, { dataDir: other.dir });
    cleanups.push(() => second.dispose());
    await until(() => payloads.at(-1) === '', 'an empty retained leaderboard (cleared)', { detail: () => JSON.stringify(payloads) });
  });
});
