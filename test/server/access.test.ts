import type { MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts, SERVER_CLIENT_ID } from '../../server/access/accounts.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { type TestServer, openPoll, startTestServer } from './helpers.js';

describe('broker accounts', () => {
  const accounts = new Accounts({ serverPassword: 'server-pw', devices: new Map([['box-1', 'box-pw']]), browser: null });
  const pw = (s: string) => Buffer.from(s);

  it('lets anyone in anonymously, and accounts only with their own password', () => {
    expect(accounts.login('phone-1', undefined, undefined)).toEqual({ ok: true, role: { kind: 'anonymous' } });
    expect(accounts.login('x', 'classroom-server', pw('server-pw'))).toEqual({ ok: true, role: { kind: 'server' } });
    expect(accounts.login('x', 'classroom-server', pw('guess'))).toEqual({ ok: false, why: 'bad-credentials' });
    expect(accounts.login('x', 'box-1', pw('box-pw'))).toEqual({ ok: true, role: { kind: 'device', deviceId: 'box-1' } });
    expect(accounts.login('x', 'box-1', pw('server-pw'))).toEqual({ ok: false, why: 'bad-credentials' });
    expect(accounts.login('x', 'someone', pw('anything'))).toEqual({ ok: false, why: 'bad-credentials' });
  });

  it("keeps the server's and a device's session ids for their own accounts", () => {
    expect(accounts.login(SERVER_CLIENT_ID, undefined, undefined)).toEqual({ ok: false, why: 'reserved-client-id' });
    expect(accounts.login('mqtt-classroom-device-box-1', undefined, undefined)).toEqual({ ok: false, why: 'reserved-client-id' });
    expect(accounts.login('mqtt-classroom-device-box-1', 'box-1', pw('box-pw')).ok).toBe(true);
  });
});

describe("the embedded broker enforces SPEC §8 for the running server", () => {
  let server: TestServer;
  let watcher: MqttClient;
  const seen: { topic: string; payload: string }[] = [];

  beforeAll(async () => {
    server = await startTestServer({ DEVICE_ACCOUNTS: 'box-1:box-1-secret' });
    watcher = await connectClient(server.running.mqttUrl);
    watcher.on('message', (topic, payload) => seen.push({ topic, payload: payload.toString() }));
    await watcher.subscribeAsync(['classroom/#', 'pain/#'], { qos: 1 });
  });
  afterAll(async () => {
    await closeClient(watcher);
    await server.dispose();
  });

  /** Published by someone allowed after a refused attempt: once it is seen, the attempt would have been too. */
  async function barrier(tag: string): Promise<void> {
    const chat = await connectClient(server.running.mqttUrl);
    await chat.publishAsync('classroom/chat/barrier', tag, { qos: 1 });
    await closeClient(chat);
    await expect.poll(() => seen.some((m) => m.payload === tag), { timeout: 2_000, interval: 5 }).toBe(true);
  }

  /** A refused publish is PUBACKed and dropped; the forger stays connected (as on Mosquitto). */
  async function attempt(options: mqtt.IClientOptions, topic: string, payload: string): Promise<'acknowledged, still connected' | 'disconnected'> {
    const forger = await connectClient(server.running.mqttUrl, { ...options, reconnectPeriod: 0 });
    let closed = false;
    forger.once('close', () => (closed = true));
    await forger.publishAsync(topic, payload, { qos: 1, retain: true }).catch(() => undefined);
    const result = closed || !forger.connected ? 'disconnected' : 'acknowledged, still connected';
    await closeClient(forger);
    return result;
  }

  it('refuses a forged tally, poll or device status from an anonymous client; the server publishes them', async () => {
    openPoll(server.running, 'cours', ['A', 'B']);
    const forgeries: [string, string][] = [
      ['classroom/tally/cours', JSON.stringify({ poll: 'cours', counts: { A: 999, B: 0 }, total: 999, rejected: 0, seq: 9999, at: 1 })],
      ['classroom/polls/cours', JSON.stringify({ id: 'cours', question: 'forged?', options: [{ id: 'A', label: 'A' }, { id: 'B', label: 'B' }], policy: 'every-press', state: 'open', openedAt: 1 })],
      ['classroom/devices/box-1/status', 'forged-online'],
      ['classroom/receipts/box-1', JSON.stringify({ id: 'x', poll: 'cours', status: 'counted' })],
      ['pain/cuisson', 'forged-prêt'],
    ];
    for (const [topic, payload] of forgeries) {
      expect(await attempt({}, topic, payload)).toBe('acknowledged, still connected');
    }
    await barrier('after-forgeries');
    for (const [topic, payload] of forgeries) {
      expect(seen.filter((m) => m.topic === topic && m.payload === payload)).toEqual([]);
    }
    // What the server's own account published did arrive.
    expect(seen.some((m) => m.topic === 'classroom/polls/cours' && JSON.parse(m.payload).question === 'Question cours?')).toBe(true);
    expect(seen.some((m) => m.topic === 'classroom/tally/cours' && JSON.parse(m.payload).poll === 'cours')).toBe(true);
    expect(seen.some((m) => m.topic === 'classroom/devices/classroom-server/status' && m.payload === 'online')).toBe(true);
    // A later subscriber gets the server's retained tally, not the forged one.
    const late = await connectClient(server.running.mqttUrl);
    const retained = await new Promise<string>((resolve) => {
      late.on('message', (_t, p) => resolve(p.toString()));
      late.subscribe('classroom/tally/cours');
    });
    await closeClient(late);
    expect(JSON.parse(retained).total).toBe(0);
  });

  it('lets a device account publish its own status and the bread, but not another device nor a tally', async () => {
    const device = { username: 'box-1', password: 'box-1-secret' };
    const box = await connectClient(server.running.mqttUrl, device);
    await box.publishAsync('classroom/devices/box-1/status', 'online', { qos: 1, retain: true });
    await box.publishAsync('pain/cuisson', 'cuisson', { qos: 1, retain: true });
    await closeClient(box);
    expect(await attempt(device, 'classroom/devices/box-2/status', 'box-2-forged')).toBe('acknowledged, still connected');
    expect(await attempt(device, 'classroom/tally/cours', 'box-forged-tally')).toBe('acknowledged, still connected');
    await barrier('after-device');
    expect(seen).toContainEqual({ topic: 'classroom/devices/box-1/status', payload: 'online' });
    expect(seen).toContainEqual({ topic: 'pain/cuisson', payload: 'cuisson' });
    expect(seen.filter((m) => m.payload === 'box-2-forged' || m.payload === 'box-forged-tally')).toEqual([]);
  });

  it('gives an in-process device (the demo box) an account at run time', async () => {
    const account = server.running.addDeviceAccount('demo-box');
    expect(account.username).toBe('demo-box');
    const box = await connectClient(server.running.mqttUrl, { ...account, clientId: 'mqtt-classroom-device-demo-box' });
    await box.publishAsync('classroom/devices/demo-box/status', 'online', { qos: 1, retain: true });
    await closeClient(box);
    await barrier('after-demo-box');
    expect(seen).toContainEqual({ topic: 'classroom/devices/demo-box/status', payload: 'online' });
    // Its session id is now reserved for it.
    await expect(connectClient(server.running.mqttUrl, { clientId: 'mqtt-classroom-device-demo-box' })).rejects.toThrow(/Identifier rejected/i);
  });

  it("refuses a wrong password and an anonymous take-over of the server's session", async () => {
    await expect(connectClient(server.running.mqttUrl, { username: 'box-1', password: 'guess' })).rejects.toThrow(/Bad username or password/i);
    await expect(connectClient(server.running.mqttUrl, { clientId: SERVER_CLIENT_ID, clean: false })).rejects.toThrow(/Identifier rejected/i);
    // The server is still connected and counting (on a poll of its own, whatever the other tests counted).
    openPoll(server.running, 'after-takeover', ['A', 'B']);
    const voter = await connectClient(server.running.mqttUrl);
    await voter.publishAsync('classroom/votes/after-takeover', 'A', { qos: 1 });
    await closeClient(voter);
    await expect.poll(() => server.running.polls.get('after-takeover').tally.total, { timeout: 2_000, interval: 5 }).toBe(1);
  });

  it('refuses anonymous subscriptions to the votes (who voted what stays private)', async () => {
    const spy = await connectClient(server.running.mqttUrl);
    // MQTT.js turns the failure SUBACK (0x80) into an error.
    await expect(spy.subscribeAsync('classroom/votes/+', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await closeClient(spy);
  });
});
