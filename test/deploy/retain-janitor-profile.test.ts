import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerEnv } from '../../runtime/env.js';
import { type RunningServer, startServer } from '../../server/index.js';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { until } from '../harness/wait.js';
import { DEVICE_ID, PREFIX } from './access-matrix.js';
import { type ProfileBroker, SPY, startProfile } from './mosquitto-profile.js';

/**
 * Issue 13 item 4 on the classroom profile: Mosquitto 2.0 cannot refuse the retain
 * flag of an anonymous chat line or vote, so the hub's retain janitor
 * (server/mqtt/retain-janitor.ts) clears it. A spy with the MQTT 5
 * retain-as-published flag sees the clearing (an empty retained message on the
 * topic); a newcomer after it gets nothing, and the vote is counted once, as before.
 */
describe.skipIf(!canRun('mosquitto'))('retained chat lines and votes on the classroom profile', () => {
  let broker: ProfileBroker;
  let server: RunningServer;
  let dataDir: string;
  let url: string;
  let spy: MqttClient;
  /** What the spy saw, with the retain flag as published. */
  const seen: { topic: string; bytes: number; retain: boolean }[] = [];

  beforeAll(async () => {
    broker = await startProfile('classroom', [DEVICE_ID]);
    dataDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-janitor-'));
    const hub = broker.env.hub ?? {};
    const moved = (u: string) => u.replace(/:(\d+)$/, (_m, port: string) => `:${broker.port(Number(port))}`);
    url = `mqtt://127.0.0.1:${broker.port(1883)}`;
    const config = loadServerEnv({
      env: { ...hub, MQTT_URL: moved(hub.MQTT_URL ?? ''), MQTT_WS_URL: moved(hub.MQTT_WS_URL ?? ''), HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: 'janitor-profile-token', LOG_LEVEL: 'silent' },
      dotenvPath: null,
    });
    server = await startServer({ config, brokerWaitMs: 5_000 });
    spy = await connectClient(url, { username: SPY.username, password: SPY.password, protocolVersion: 5 });
    spy.on('message', (topic, payload, packet) => seen.push({ topic, bytes: payload.length, retain: packet.retain === true }));
    await spy.subscribeAsync([`${PREFIX}/chat/+`, `${PREFIX}/votes/+`], { qos: 1, rap: true });
  });
  afterAll(async () => {
    if (spy !== undefined) await closeClient(spy);
    await server?.stop();
    await broker?.dispose();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  const clearedOn = (topic: string) => until(() => seen.some((m) => m.topic === topic && m.retain && m.bytes === 0), `the janitor to clear the retained message on ${topic}`, { timeout: 10_000, interval: 10 });

  it('a retained 1 KB chat line from an anonymous client is cleared: a newcomer a moment later does not get it', async () => {
    const topic = `${PREFIX}/chat/Eve`;
    const eve = await connectClient(url);
    try {
      await eve.publishAsync(topic, 'x'.repeat(1024), { qos: 1, retain: true });
    } finally {
      await closeClient(eve);
    }
    // It was retained as published (what the janitor reacts to), then cleared.
    await until(() => seen.some((m) => m.topic === topic && m.retain && m.bytes === 1024), 'the spy to see the retained line', { timeout: 10_000, interval: 10 });
    await clearedOn(topic);

    const newcomer = await connectClient(url);
    try {
      const got: string[] = [];
      newcomer.on('message', (t, payload) => got.push(`${t} ${payload.length}`));
      await newcomer.subscribeAsync(`${PREFIX}/chat/+`, { qos: 1 });
      // A retained message is sent on SUBSCRIBE, before anything published after it: the sentinel closes the window.
      const sentinel = await connectClient(url);
      try {
        await sentinel.publishAsync(`${PREFIX}/chat/Léo`, 'fin', { qos: 1 });
      } finally {
        await closeClient(sentinel);
      }
      await until(() => got.includes(`${PREFIX}/chat/Léo 3`), 'the newcomer to get the sentinel', { timeout: 10_000, interval: 10 });
      expect(got).toEqual([`${PREFIX}/chat/Léo 3`]);
    } finally {
      await closeClient(newcomer);
    }
  });

  it('a retained vote is counted once, as before, and cleared; the clearing is no vote', async () => {
    server.polls.create({ id: 'quiz', question: '?', options: ['A', 'B'], policy: 'one-per-voter' });
    server.polls.open('quiz');
    const topic = `${PREFIX}/votes/quiz`;
    const phone = await connectClient(url, { clientId: 'web-vote-r1' });
    try {
      const receipt = collect(phone, `${PREFIX}/receipts/web-vote-r1`, 1);
      await receipt.subscribed;
      await phone.publishAsync(topic, JSON.stringify({ id: 'r1', option: 'A', voter: 'secret-r1', reply: 'web-vote-r1' }), { qos: 1, retain: true });
      expect(JSON.parse((await receipt)[0]?.payload ?? '{}')).toMatchObject({ status: 'counted' });
    } finally {
      await closeClient(phone);
    }
    await clearedOn(topic);
    // A vote after the clearing: once its receipt is back, the hub has handled the empty message before it.
    const next = await connectClient(url, { clientId: 'web-vote-r2' });
    try {
      const receipt = collect(next, `${PREFIX}/receipts/web-vote-r2`, 1);
      await receipt.subscribed;
      await next.publishAsync(topic, JSON.stringify({ id: 'r2', option: 'B', voter: 'secret-r2', reply: 'web-vote-r2' }), { qos: 1 });
      expect(JSON.parse((await receipt)[0]?.payload ?? '{}')).toMatchObject({ status: 'counted' });
    } finally {
      await closeClient(next);
    }
    const { tally } = server.polls.get('quiz');
    expect(tally.counts).toEqual({ A: 1, B: 1 });
    expect(tally.rejected).toBe(0);
  });
});
