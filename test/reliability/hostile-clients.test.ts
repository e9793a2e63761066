import { mkdtempSync, rmSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../server/access/accounts.js';
import { createAccessRules } from '../../server/access/access-rules.js';
import { EmbeddedBroker } from '../../server/broker/embedded-broker.js';
import { createTopics } from '../../shared/topics.js';
import {
  ACCESS_MATRIX,
  type AccessTarget,
  DEVICE_ID,
  OTHER_DEVICE_ID,
  PREFIX,
  type Subject,
  canPublish,
  connectAs,
  mqttSpy,
} from '../deploy/access-matrix.js';
import { SPY, startProfile } from '../deploy/mosquitto-profile.js';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { waitForTally } from '../server/helpers.js';
import { SERVER_MOSQUITTO_SETTINGS } from '../server/mosquitto-settings.js';
import { Figures, scale } from './figures.js';
import { ServerProcess, waitFor } from './processes.js';
import { publishMany } from './publish-many.js';

/**
 * Item 4 of the reliability issue: clients that mean harm. A flood of votes under
 * one-per-voter, publishes without rights on the topics only the server and the
 * devices may write, and a crowd of connections that never say CONNECT.
 */
const FLOOD = scale(2_000, 50_000);
const HONEST = 5;
const IDLE = scale(1_100, 3_000);
/** The open-files limit of a service on Raspberry Pi OS (systemd's default soft limit). */
const PI_FD_LIMIT = 1024;

const figures = new Figures('hostile-clients');
afterAll(() => figures.write());

const dirs: string[] = [];
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-hostile-'));
  dirs.push(dir);
  return dir;
}

async function startServer(env: Record<string, string>, limits: { fdLimit?: number } = {}): Promise<ServerProcess> {
  const server = new ServerProcess({ DATA_DIR: dataDir(), ...env }, limits);
  stops.push(() => server.stop('SIGKILL'));
  await server.start();
  return server;
}

describe('hostile clients', { timeout: scale(60_000, 600_000) }, () => {
  for (const broker of ['embedded', 'mosquitto'] as const) {
    it.skipIf(broker === 'mosquitto' && !canRun('mosquitto'))(`${broker}: ${FLOOD} votes from one voter under one-per-voter count once, honest voters still count`, async () => {
      let mosquitto: MosquittoBroker | null = null;
      if (broker === 'mosquitto') {
        mosquitto = await startMosquitto({ extraConfig: [...SERVER_MOSQUITTO_SETTINGS] });
        stops.push(() => (mosquitto as MosquittoBroker).dispose());
      }
      const server = await startServer(mosquitto === null ? { MQTT_HOST: '127.0.0.1', MQTT_PORT: '0' } : { MQTT_URL: mosquitto.url });
      const url = mosquitto?.url ?? (server.brokerUrl as string);
      await server.createOpenPoll('unique', ['A', 'B'], 'one-per-voter');
      const flooder = await connectClient(url, { clientId: `flooder-${broker}` });
      const honest = await connectClient(url, { clientId: `honest-${broker}` });
      try {
        const topic = `${PREFIX}/votes/unique`;
        const flood = publishMany(
          flooder,
          topic,
          (function* () {
            for (let i = 0; i < FLOOD; i += 1) yield JSON.stringify({ id: `flood-${i}`, option: 'A', voter: 'flooder' });
          })(),
        );
        // Honest voters vote in the middle of the flood.
        await publishMany(honest, topic, Array.from({ length: HONEST }, (_, i) => JSON.stringify({ id: `honest-${i}`, option: 'B', voter: `student-${i}` })));
        await flood;
        let tally: { counts: Record<string, number>; rejectedBy: Record<string, number>; total: number } = { counts: {}, rejectedBy: {}, total: 0 };
        await waitFor(
          async () => {
            tally = (await server.api('/api/polls/unique')).tally;
            return tally.total + (tally.rejectedBy['already-voted'] ?? 0) >= FLOOD + HONEST;
          },
          'the flood to be handled',
          scale(30_000, 300_000),
          200,
        );
        figures.add({
          area: 'hostile clients',
          what: 'one voter floods votes under one-per-voter',
          where: broker === 'mosquitto' ? 'Mosquitto' : 'embedded broker (aedes)',
          tried: FLOOD,
          unit: 'votes',
          lost: Math.max(0, HONEST - (tally.counts.B ?? 0)),
          wrong: Math.max(0, (tally.counts.A ?? 0) - 1),
          outcome: `counted ${tally.counts.A ?? 0} for the flooder, ${tally.counts.B ?? 0} of ${HONEST} honest votes; ${tally.rejectedBy['already-voted'] ?? 0} rejected already-voted`,
        });
        expect(tally.counts).toEqual({ A: 1, B: HONEST });
        expect(tally.rejectedBy).toEqual({ 'already-voted': FLOOD - 1 });
        expect(server.running).toBe(true);
      } finally {
        await Promise.all([closeClient(flooder), closeClient(honest)]);
      }
    });
  }

  it('a forged tally or poll from a client without rights never replaces the server\'s (embedded broker, real server)', async () => {
    const server = await startServer({ MQTT_HOST: '127.0.0.1', MQTT_PORT: '0' });
    const url = server.brokerUrl as string;
    await server.createOpenPoll('vrai', ['A', 'B']);
    const voter = await connectClient(url);
    await voter.publishAsync(`${PREFIX}/votes/vrai`, JSON.stringify({ id: 'v1', option: 'A', voter: 'zoe' }), { qos: 1 });
    // The server's snapshot with that vote is retained before anyone forges one.
    await waitForTally(voter, PREFIX, 'vrai', (t) => t.total === 1);
    await closeClient(voter);
    const forgeries = [
      [`${PREFIX}/tally/vrai`, JSON.stringify({ poll: 'vrai', counts: { A: 0, B: 999 }, total: 999, rejected: 0, seq: 1e9, at: Date.now() })],
      [`${PREFIX}/polls/vrai`, JSON.stringify({ id: 'vrai', question: 'Forged?', options: [{ id: 'X', label: 'X' }], policy: 'every-press', state: 'closed' })],
      [`${PREFIX}/devices/classroom-server/status`, 'offline'],
    ] as const;
    // Each is PUBACKed and dropped, the connection kept (as Mosquitto does): no reconnect loop.
    let keptConnected = 0;
    for (const [topic, payload] of forgeries) {
      const hostile = await connectClient(url, { reconnectPeriod: 0 });
      let closed = false;
      hostile.once('close', () => (closed = true));
      await hostile.publishAsync(topic, payload, { qos: 1, retain: true });
      if (!closed && hostile.connected) keptConnected += 1;
      await closeClient(hostile);
    }
    // A newcomer (a kiosk that just loaded) gets the retained messages: the server's.
    const reader = await connectClient(url);
    try {
      const [tally = '', poll = '', status = ''] = await Promise.all(
        [`${PREFIX}/tally/vrai`, `${PREFIX}/polls/vrai`, `${PREFIX}/devices/classroom-server/status`].map(async (topic) => (await collect(reader, topic, 1))[0]?.payload ?? ''),
      );
      const forgedSeen = [tally.includes('999'), poll.includes('Forged'), status !== 'online'].filter(Boolean).length;
      figures.add({
        area: 'hostile clients',
        what: 'forged retained tally, poll and server status from an anonymous client',
        where: 'embedded broker (aedes), real server',
        tried: forgeries.length,
        unit: 'publishes',
        lost: 0,
        wrong: forgedSeen,
        outcome: `${keptConnected} of ${forgeries.length} PUBACKed and dropped, the connection kept; a new subscriber got the server's tally ${JSON.parse(tally).counts ? JSON.stringify(JSON.parse(tally).counts) : '?'}`,
      });
      expect(keptConnected).toBe(forgeries.length);
      expect(JSON.parse(tally)).toMatchObject({ counts: { A: 1, B: 0 }, total: 1 });
      expect(JSON.parse(poll)).toMatchObject({ question: 'Question vrai ?', state: 'open' });
      expect(status).toBe('online');
    } finally {
      await closeClient(reader);
    }
  });

  /** The rows of the access table about what only the server or one device may write. */
  const PROTECTED = ACCESS_MATRIX.filter((row) => ['polls', 'tallies', 'receipts', 'own device status', "another device's status", 'a device named voter'].includes(row.family));

  async function noRights(where: string, target: AccessTarget, subjects: Subject[]): Promise<void> {
    let tried = 0;
    let delivered = 0;
    const wrong: string[] = [];
    for (const subject of subjects) {
      for (const row of PROTECTED) {
        if (row.publish[subject.who]) continue;
        tried += 1;
        if (await canPublish(target, subject, row)) {
          delivered += 1;
          wrong.push(`${subject.label} -> ${row.topic}`);
        }
      }
    }
    figures.add({
      area: 'hostile clients',
      what: 'publishes without rights on polls, tallies, receipts, device status',
      where,
      tried,
      unit: 'publishes',
      lost: 0,
      wrong: delivered,
      outcome: `${tried - delivered} of ${tried} never reached a subscriber (anonymous and device ${DEVICE_ID})`,
    });
    expect(wrong).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(8);
  }

  it('a client without rights cannot publish tallies, polls or device status: embedded broker', async () => {
    const passwords = { server: 'server-secret', device: 'box-1-secret', other: 'box-2-secret' };
    const broker = new EmbeddedBroker({
      host: '127.0.0.1',
      mqttPort: 0,
      wsPort: 0,
      access: {
        rules: createAccessRules({ topics: createTopics({ prefix: PREFIX }), voteTopic: null }),
        accounts: new Accounts({ serverPassword: passwords.server, devices: new Map([[DEVICE_ID, passwords.device], [OTHER_DEVICE_ID, passwords.other]]), browser: null }),
      },
    });
    await broker.start();
    stops.push(() => broker.stop());
    const url = `mqtt://127.0.0.1:${broker.mqttPort}`;
    // The spy is the server's own account: it may read and write everything under the prefix.
    const spy = await connectClient(url, { username: 'classroom-server', password: passwords.server, clientId: 'spy-as-server' });
    stops.push(() => closeClient(spy));
    await noRights('embedded broker (aedes)', { connect: (s, o) => connectAs(url, s, o), spy: mqttSpy(spy) }, [
      { label: 'anonymous', who: 'public' },
      { label: `device ${DEVICE_ID}`, who: 'device', username: DEVICE_ID, password: passwords.device },
    ]);
  });

  it.skipIf(!canRun('mosquitto'))('a client without rights cannot publish tallies, polls or device status: Mosquitto (classroom profile)', async () => {
    const broker = await startProfile('classroom', [DEVICE_ID, OTHER_DEVICE_ID]);
    stops.push(() => broker.dispose());
    const url = `mqtt://127.0.0.1:${broker.port(1883)}`;
    const spy = await connectClient(url, { username: SPY.username, password: SPY.password });
    stops.push(() => closeClient(spy));
    const device = broker.env[DEVICE_ID] ?? {};
    await noRights('Mosquitto, deploy/mosquitto/classroom.conf', { connect: (s, o) => connectAs(url, s, o), spy: mqttSpy(spy) }, [
      { label: 'anonymous', who: 'public' },
      { label: `device ${DEVICE_ID}`, who: 'device', username: device.MQTT_USERNAME, password: device.MQTT_PASSWORD },
    ]);
  });

  it(`${IDLE} connections that never send CONNECT do not stop others from voting (embedded broker, ${PI_FD_LIMIT} open files)`, async () => {
    const server = await startServer({ MQTT_HOST: '127.0.0.1', MQTT_PORT: '0' }, { fdLimit: PI_FD_LIMIT });
    const url = new URL(server.brokerUrl as string);
    await server.createOpenPoll('siege', ['A', 'B']);
    const idle: Socket[] = [];
    stops.push(async () => idle.forEach((s) => s.destroy()));
    let closedByServer = 0;
    // Opened in a burst, as a script would; some send half a CONNECT and stall.
    await Promise.all(
      Array.from(
        { length: IDLE },
        (_, i) =>
          new Promise<void>((resolve) => {
            const socket = connect({ host: '127.0.0.1', port: Number(url.port) });
            idle.push(socket);
            socket.on('error', () => resolve());
            socket.on('close', () => {
              closedByServer += 1;
              resolve();
            });
            socket.on('connect', () => {
              if (i % 3 === 0) socket.write(Buffer.from([0x10, 0x20, 0x00]));
              resolve();
            });
          }),
      ),
    );
    // Now a student votes: connected, counted, receipt back, in a bounded time.
    const started = Date.now();
    let receipt = '';
    let error = '';
    try {
      const student = await connectClient(server.brokerUrl as string, { connectTimeout: 5_000, clientId: 'student' });
      try {
        const wait = collect(student, `${PREFIX}/receipts/student`, 1, 10_000);
        await wait.subscribed;
        await student.publishAsync(`${PREFIX}/votes/siege`, JSON.stringify({ id: 'siege-1', option: 'B', voter: 'student' }), { qos: 1 });
        receipt = (await wait)[0]?.payload ?? '';
      } finally {
        await closeClient(student);
      }
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const seconds = (Date.now() - started) / 1000;
    const tally = server.running ? (await server.api('/api/polls/siege')).tally : null;
    figures.add({
      area: 'hostile clients',
      what: 'connections that never send CONNECT',
      where: `embedded broker (aedes), server limited to ${PI_FD_LIMIT} open files`,
      tried: IDLE,
      unit: 'connections',
      lost: tally?.counts.B === 1 ? 0 : 1,
      wrong: 0,
      outcome: `a student's vote then took ${seconds.toFixed(1)} s to its receipt${error === '' ? '' : ` (failed: ${error})`}; the server closed ${closedByServer} idle connections; server ${server.running ? 'up' : 'DOWN'}`,
    });
    expect(error).toBe('');
    expect(JSON.parse(receipt)).toMatchObject({ id: 'siege-1', status: 'counted' });
    expect(tally?.counts).toEqual({ A: 0, B: 1 });
    expect(seconds).toBeLessThan(10);
  });
});
