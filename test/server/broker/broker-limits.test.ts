import { type Socket, connect } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { Accounts } from '../../../server/access/accounts.js';
import { createAccessRules } from '../../../server/access/access-rules.js';
import { type BrokerLimits, EmbeddedBroker } from '../../../server/broker/embedded-broker.js';
import { PacketMeter } from '../../../server/broker/packet-meter.js';
import type { Logger } from '../../../runtime/logger.js';
import { createTopics } from '../../../shared/topics.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';
import { closeClient, collect, connectClient } from '../../harness/mqtt.js';
import { until } from '../../harness/wait.js';

/**
 * Issue 13 items 3, 4 and 7 on the embedded broker: connection caps and the
 * server-side keepalive, the maximum packet size on TCP and WebSocket, retained
 * publishes only where SPEC §4 retains, and a refused publish that keeps the
 * connection (PUBACKed and dropped, as Mosquitto does).
 */
const PREFIX = 'classroom';
const DEVICE = { id: 'box-1', password: 'box-1-secret' };
const SERVER_PASSWORD = 'server-secret';

const stops: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops.length = 0;
});

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const logger = {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string) => warnings.push(message),
    error: (message: string) => warnings.push(message),
    child: () => logger,
  };
  return logger as unknown as Logger & { warnings: string[] };
}

async function startBroker(limits: Partial<BrokerLimits> = {}, scheduler?: ManualScheduler) {
  const logger = recordingLogger();
  const broker = new EmbeddedBroker({
    host: '127.0.0.1',
    mqttPort: 0,
    wsPort: 0,
    logger,
    limits,
    ...(scheduler === undefined ? {} : { scheduler }),
    access: {
      rules: createAccessRules({ topics: createTopics({ prefix: PREFIX }), voteTopic: null }),
      accounts: new Accounts({ serverPassword: SERVER_PASSWORD, devices: new Map([[DEVICE.id, DEVICE.password]]), browser: null }),
    },
  });
  await broker.start();
  stops.push(() => broker.stop());
  return { broker, logger, url: `mqtt://127.0.0.1:${broker.mqttPort}`, wsUrl: `ws://127.0.0.1:${broker.wsPort}/mqtt` };
}

async function client(url: string, options: Parameters<typeof connectClient>[1] = {}) {
  const c = await connectClient(url, { reconnectPeriod: 0, ...options });
  stops.push(() => closeClient(c));
  return c;
}

/** A connection from `localAddress` that sends CONNECT with keepalive 0 and then nothing. */
function idleSession(port: number, localAddress: string, clientId: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    stops.push(() => void socket.destroy());
    socket.once('error', reject);
    socket.once('connect', () => socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId, keepalive: 0 })));
    socket.once('data', () => resolve(socket)); // the CONNACK
  });
}

const closed = (socket: Socket) => socket.destroyed || socket.readableEnded;

describe('a refused publish (item 7)', () => {
  it('is PUBACKed and dropped; the client stays connected and can still chat; logged once per connection', async () => {
    const { url, logger } = await startBroker();
    const spy = await client(url, { username: 'classroom-server', password: SERVER_PASSWORD, clientId: 'spy' });
    const seen = collect(spy, `${PREFIX}/#`, 1);
    await seen.subscribed;
    const phone = await client(url);
    let phoneClosed = false;
    phone.on('close', () => (phoneClosed = true));
    for (let i = 0; i < 3; i += 1) await phone.publishAsync(`${PREFIX}/tally/p`, `{"forged":${i}}`, { qos: 1 });
    await phone.publishAsync(`${PREFIX}/chat/zoe`, 'still here', { qos: 1 });
    // The chat line comes after the forgeries on the same connection: had one got through, it would be first.
    expect((await seen).map((m) => [m.topic, m.payload])).toEqual([[`${PREFIX}/chat/zoe`, 'still here']]);
    expect(phoneClosed).toBe(false);
    expect(phone.connected).toBe(true);
    expect(logger.warnings.filter((w) => w.includes(`${PREFIX}/tally/p`))).toHaveLength(1);
  });
});

describe('retained publishes only where SPEC §4 retains (item 4)', () => {
  it('a retained chat line or vote from anonymous is delivered but not retained; a device keeps its retained status', async () => {
    const { url } = await startBroker();
    const phone = await client(url);
    await phone.publishAsync(`${PREFIX}/chat/Professeur`, 'retained greeting', { qos: 1, retain: true });
    await phone.publishAsync(`${PREFIX}/votes/p`, 'A', { qos: 1, retain: true });
    const device = await client(url, { username: DEVICE.id, password: DEVICE.password });
    await device.publishAsync(`${PREFIX}/devices/${DEVICE.id}/status`, 'online', { qos: 1, retain: true });
    await device.publishAsync(`${PREFIX}/devices/${DEVICE.id}/buttons/1`, '{"press":1}', { qos: 1, retain: true });

    const visitor = await client(url, { username: 'classroom-server', password: SERVER_PASSWORD, clientId: 'visitor' });
    const got = collect(visitor, `${PREFIX}/#`, 2);
    await got.subscribed;
    // A live line after the subscription: whatever was retained arrives before it.
    await phone.publishAsync(`${PREFIX}/chat/zoe`, 'live', { qos: 1 });
    expect((await got).map((m) => m.payload)).toEqual(['online', 'live']);
  });
});

describe('the maximum packet size (item 4)', () => {
  for (const transport of ['tcp', 'websocket'] as const) {
    it(`${transport}: a 20 MB retained chat message closes the connection and is neither delivered nor retained`, async () => {
      const { url, wsUrl, logger } = await startBroker();
      const target = transport === 'tcp' ? url : wsUrl;
      const watcher = await client(url, { username: 'classroom-server', password: SERVER_PASSWORD, clientId: 'watcher' });
      const seen = collect(watcher, `${PREFIX}/chat/+`, 1);
      await seen.subscribed;
      const hostile = await client(target);
      const gone = new Promise<void>((resolve) => hostile.once('close', () => resolve()));
      hostile.publish(`${PREFIX}/chat/huge`, Buffer.alloc(20 * 1024 * 1024, 0x61), { qos: 0, retain: true });
      await gone;
      // Below the limit still passes, on the same transport.
      const honest = await client(target);
      await honest.publishAsync(`${PREFIX}/chat/zoe`, 'x'.repeat(60_000), { qos: 1 });
      expect((await seen).map((m) => [m.topic, m.payload.length])).toEqual([[`${PREFIX}/chat/zoe`, 60_000]]);
      expect(logger.warnings.some((w) => w.includes('byte packet'))).toBe(true);
    });
  }

  it("the hub's own accounts are not held to it (a large retained poll from the server passes)", async () => {
    const { url } = await startBroker();
    const server = await client(url, { username: 'classroom-server', password: SERVER_PASSWORD, clientId: 'hub' });
    await server.publishAsync(`${PREFIX}/polls/big`, 'q'.repeat(100_000), { qos: 1, retain: true });
    const reader = await client(url);
    expect((await collect(reader, `${PREFIX}/polls/big`, 1))[0]?.payload.length).toBe(100_000);
  });

  it('the meter reads sizes across chunk boundaries and multi-byte lengths', () => {
    const meter = new PacketMeter({ maxPacketBytes: 200 });
    const small = mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(150), qos: 0, retain: false, dup: false });
    const both = Buffer.concat([small, small]);
    for (let i = 0; i < both.length; i += 7) expect(meter.feed(both.subarray(i, i + 7))).toEqual({ ok: true });
    expect(meter.packets).toBe(2);
    const big = mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(300), qos: 0, retain: false, dup: false });
    expect(meter.feed(big.subarray(0, 1))).toEqual({ ok: true });
    expect(meter.feed(big.subarray(1, 3))).toEqual({ ok: false, packetBytes: big.length });
  });
});

describe('connection limits and the server-side keepalive (item 3)', () => {
  it('past the per-address cap the quietest session leaves: idle CONNECTs with keepalive 0 never lock a newcomer out', async () => {
    const { broker, url, logger } = await startBroker({ maxPerAddress: 5, maxConnections: 50 });
    const port = broker.mqttPort;
    const idle: Socket[] = [];
    for (let i = 0; i < 12; i += 1) idle.push(await idleSession(port, '127.0.0.2', `idle-${i}`));
    await until(() => idle.filter(closed).length === 7, 'the oldest idle sessions to be shed');
    expect(broker.publicSessions).toBe(5);
    // Another address is not affected; the hub's accounts are never counted.
    const student = await client(url);
    await student.publishAsync(`${PREFIX}/chat/zoe`, 'hello', { qos: 1 });
    const device = await client(url, { username: DEVICE.id, password: DEVICE.password });
    expect(device.connected).toBe(true);
    expect(broker.publicSessions).toBe(6);
    expect(logger.warnings.filter((w) => w.includes('make room'))).toHaveLength(1);
  });

  it('past the total cap the sessions that never spoke go first; an honest one that subscribed stays', async () => {
    const { broker, url } = await startBroker({ maxPerAddress: 100, maxConnections: 4 });
    const honest = await client(url);
    await collect(honest, `${PREFIX}/tally/+`, 1).subscribed;
    const idle: Socket[] = [];
    for (let i = 0; i < 6; i += 1) idle.push(await idleSession(broker.mqttPort, `127.0.0.${10 + i}`, `idle-${i}`));
    await until(() => idle.filter(closed).length === 3, 'three idle sessions to be shed');
    expect(honest.connected).toBe(true);
    expect(idle.slice(3).some(closed)).toBe(false);
  });

  it('a public session silent past 1.5 × BROKER_MAX_KEEPALIVE_S is closed, keepalive 0 included; the hub\'s are not', async () => {
    const scheduler = new ManualScheduler();
    const { broker } = await startBroker({ maxKeepaliveMs: 10_000 }, scheduler);
    const silent = await idleSession(broker.mqttPort, '127.0.0.3', 'silent');
    const device = await client(`mqtt://127.0.0.1:${broker.mqttPort}`, { username: DEVICE.id, password: DEVICE.password, keepalive: 0 });
    scheduler.advance(14_000);
    expect(closed(silent)).toBe(false);
    scheduler.advance(2_000);
    await until(() => closed(silent), 'the silent session to be closed');
    expect(device.connected).toBe(true);
  });
});
