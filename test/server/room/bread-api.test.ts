import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { SESSION_COOKIE } from '../../../server/http/session-api.js';
import { closeClient, connectClient } from '../../harness/mqtt.js';
import { until } from '../../harness/wait.js';
import { TEST_ADMIN_TOKEN, type TestServer, admin, startTestServer } from '../helpers.js';

/**
 * Issue 15 item 6, the whole bake: the hub stores each bread reading it hears,
 * `GET /api/bread/history` (public) returns the bake so far, and a new bake —
 * from the admin API, the teacher's session (own page only) or the CLI —
 * forgets it.
 */
describe('the bake the hub keeps (/api/bread/history, /api/bread/new-bake)', { timeout: 60_000 }, () => {
  let server: TestServer;
  let oven: MqttClient;

  beforeAll(async () => {
    server = await startTestServer({ DEVICE_ACCOUNTS: 'oven:oven-secret' });
    oven = await connectClient(`mqtt://127.0.0.1:${server.running.mqttPort}`, { username: 'oven', password: 'oven-secret', clientId: 'mqtt-classroom-device-oven' });
  });
  afterAll(async () => {
    if (oven !== undefined) await closeClient(oven);
    await server?.dispose();
  });

  const history = async () => (await (await fetch(`${server.running.httpUrl}/api/bread/history`)).json()) as { startedAt: number | null; state: string | null; readings: [number, number][] };
  const celsius = async () => (await history()).readings.map(([, c]) => c);

  async function publish(values: number[]): Promise<void> {
    for (const value of values) await oven.publishAsync('pain/cuisson/temperature', String(value), { qos: 1, retain: true });
  }

  it('returns every reading heard, in order, to anyone (no token)', async () => {
    await oven.publishAsync('pain/cuisson', 'cuisson', { qos: 1, retain: true });
    await publish([21.5, 40, 55.5]);
    await until(async () => (await celsius()).length === 3, 'three readings stored');
    const bake = await history();
    expect(bake.readings.map(([, c]) => c)).toEqual([21.5, 40, 55.5]);
    expect(bake.state).toBe('cuisson');
    expect(bake.startedAt).toBeLessThanOrEqual(bake.readings[0]?.[0] ?? 0);
    const times = bake.readings.map(([at]) => at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('keeps the readings across a restart of the hub', async () => {
    const before = await celsius();
    expect(before.length).toBeGreaterThan(0);
    await server.running.stop();
    const again = await startTestServer({}, { dataDir: server.dataDir });
    try {
      const response = await fetch(`${again.running.httpUrl}/api/bread/history`);
      expect(((await response.json()) as { readings: [number, number][] }).readings.map(([, c]) => c)).toEqual(before);
    } finally {
      await again.running.stop();
    }
    await closeClient(oven);
    server = await startTestServer({ DEVICE_ACCOUNTS: 'oven:oven-secret' }, { dataDir: server.dataDir });
    oven = await connectClient(`mqtt://127.0.0.1:${server.running.mqttPort}`, { username: 'oven', password: 'oven-secret', clientId: 'mqtt-classroom-device-oven' });
  });

  it('new bake: refused without a token (401) or from another site (403), then clears the history', async () => {
    const url = server.running.httpUrl;
    await publish([60]);
    await until(async () => (await celsius()).includes(60), 'the reading stored');
    const count = (await celsius()).length;
    expect((await fetch(`${url}/api/bread/new-bake`, { method: 'POST' })).status).toBe(401);
    const signIn = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ secret: TEST_ADMIN_TOKEN }),
    });
    const cookie = /mqtt_classroom_prof=([^;]*)/.exec(signIn.headers.get('set-cookie') ?? '')?.[1] ?? '';
    expect(cookie).not.toBe('');
    const crossSite = await fetch(`${url}/api/bread/new-bake`, { method: 'POST', headers: { cookie: `${SESSION_COOKIE}=${cookie}`, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    expect((await celsius()).length).toBe(count);
    // The teacher's page itself may.
    const own = await fetch(`${url}/api/bread/new-bake`, { method: 'POST', headers: { cookie: `${SESSION_COOKIE}=${cookie}`, origin: url, 'sec-fetch-site': 'same-origin' } });
    expect(own.status).toBe(200);
    expect(await celsius()).toEqual([]);
    // The next reading starts the new curve.
    await publish([22]);
    await until(async () => (await celsius()).length === 1, 'the first reading of the new bake');
    expect(await celsius()).toEqual([22]);
  });

  it('mqtt-classroom bread new-bake clears it too', async () => {
    await until(async () => (await celsius()).length > 0, 'a reading to clear');
    let out = '';
    const code = await main(['bread', 'new-bake'], { stdout: (t) => (out += t), stderr: (t) => (out += t), env: { SERVER_URL: server.running.httpUrl, ADMIN_TOKEN: TEST_ADMIN_TOKEN } });
    expect(code, out).toBe(0);
    expect(out).toContain('new bake');
    expect(await celsius()).toEqual([]);
    expect((await admin(server.running, 'GET', '/api/bread/history')).status).toBe(200);
  });
});
