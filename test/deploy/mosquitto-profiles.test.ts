import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import {
  type AccessTarget,
  type Action,
  DEVICE_ID,
  OTHER_DEVICE_ID,
  PREFIX,
  type Subject,
  connectAs,
  expected,
  mqttSpy,
  observe,
} from './access-matrix.js';
import { type ProfileBroker, SPY, startProfile } from './mosquitto-profile.js';
import { until } from '../harness/wait.js';

const DEVICES = [DEVICE_ID, OTHER_DEVICE_ID];
const ACTIONS: Action[] = ['publish', 'subscribe'];

/** The accounts as make-accounts.sh printed them for the .env files. */
function accountsOf(broker: ProfileBroker): { server: Subject; device: Subject; voter: Subject } {
  const hub = broker.env.hub ?? {};
  const device = broker.env[DEVICE_ID] ?? {};
  return {
    server: { label: 'classroom-server', who: 'server', username: hub.MQTT_USERNAME, password: hub.MQTT_PASSWORD },
    device: { label: `device ${DEVICE_ID}`, who: 'device', username: device.MQTT_USERNAME, password: device.MQTT_PASSWORD },
    voter: { label: 'voter', who: 'public', username: hub.BROWSER_MQTT_USERNAME, password: hub.BROWSER_MQTT_PASSWORD },
  };
}

function refusal(promise: Promise<MqttClient>): Promise<string> {
  return promise.then(
    async (client) => {
      await closeClient(client);
      return 'connected';
    },
    (error: Error) => error.message,
  );
}

describe.skipIf(!canRun('mosquitto'))('Mosquitto, classroom profile (deploy/mosquitto/classroom.conf)', () => {
  let broker: ProfileBroker;
  let spyClient: MqttClient;
  let target: AccessTarget;
  let url: string;

  beforeAll(async () => {
    broker = await startProfile('classroom', DEVICES);
    url = `mqtt://127.0.0.1:${broker.port(1883)}`;
    spyClient = await connectClient(url, { username: SPY.username, password: SPY.password });
    target = { connect: (subject, options) => connectAs(url, subject, options), spy: mqttSpy(spyClient) };
  });
  afterAll(async () => {
    if (spyClient !== undefined) await closeClient(spyClient);
    await broker?.dispose();
  });

  it('prints a .env section for the hub and for each device, with the accounts it made', () => {
    expect(Object.keys(broker.env).sort()).toEqual(['box-1', 'box-2', 'hub']);
    expect(broker.env.hub).toMatchObject({ MQTT_USERNAME: 'classroom-server', TOPIC_PREFIX: PREFIX, BROWSER_MQTT_USERNAME: 'voter' });
    expect(broker.env[DEVICE_ID]).toMatchObject({ MQTT_USERNAME: DEVICE_ID, MQTT_URL: `mqtt://127.0.0.1:1883` });
    const passwords = [broker.env.hub?.MQTT_PASSWORD, broker.env.hub?.BROWSER_MQTT_PASSWORD, broker.env[DEVICE_ID]?.MQTT_PASSWORD];
    expect(new Set(passwords).size).toBe(3);
    for (const password of passwords) expect(password).toMatch(/^[0-9a-f]{32}$/);
  });

  for (const account of ['anonymous', 'voter', 'device', 'server'] as const) {
    for (const action of ACTIONS) {
      it(`access matrix: what ${account} may ${action}`, async () => {
        const subject = account === 'anonymous' ? ({ label: 'anonymous', who: 'public' } as const) : accountsOf(broker)[account];
        expect(await observe(target, subject, action)).toEqual(expected(subject.who, action));
      });
    }
  }

  it('refuses a wrong password instead of treating the client as anonymous', async () => {
    const { server, device } = accountsOf(broker);
    expect(await refusal(connectAs(url, { ...server, password: 'wrong' }))).toMatch(/Not authorized|Bad username or password/i);
    expect(await refusal(connectAs(url, { ...device, password: 'wrong' }))).toMatch(/Not authorized|Bad username or password/i);
    expect(await refusal(connectAs(url, { label: 'unknown', who: 'public', username: 'box-9', password: 'x' }))).toMatch(
      /Not authorized|Bad username or password/i,
    );
  });

  it('lets a browser vote anonymously over the WebSocket listener, and the hub receives it', async () => {
    const { server } = accountsOf(broker);
    const hub = await connectAs(url, server);
    const phone = await connectAs(`ws://127.0.0.1:${broker.port(9001)}`, { label: 'anonymous', who: 'public' });
    try {
      const received = collect(hub, `${PREFIX}/votes/+`, 1);
      await received.subscribed;
      await phone.publishAsync(`${PREFIX}/votes/cours`, 'IFT1215', { qos: 1 });
      expect((await received)[0]).toMatchObject({ topic: `${PREFIX}/votes/cours`, payload: 'IFT1215' });
    } finally {
      await Promise.all([closeClient(hub), closeClient(phone)]);
    }
  });

  it("has the hub's own loopback WebSocket listener (9002, for a big room): the hub account receives a phone's vote through it", async () => {
    // docs/performance.md, "the amphitheatre on Mosquitto": Mosquitto drains a TCP
    // client one packet per pass of its loop; a WebSocket client by the chunk.
    const { server } = accountsOf(broker);
    const hub = await connectAs(`ws://127.0.0.1:${broker.port(9002)}`, server);
    const phone = await connectAs(`ws://127.0.0.1:${broker.port(9001)}`, { label: 'anonymous', who: 'public' });
    try {
      const received = collect(hub, `${PREFIX}/votes/+`, 1);
      await received.subscribed;
      await phone.publishAsync(`${PREFIX}/votes/cours`, 'MAT1400', { qos: 1 });
      expect((await received)[0]).toMatchObject({ topic: `${PREFIX}/votes/cours`, payload: 'MAT1400' });
    } finally {
      await Promise.all([closeClient(hub), closeClient(phone)]);
    }
  });

  it('keeps retained tallies and every vote queued for the hub (past the default 1000) across a broker restart', async () => {
    const { server } = accountsOf(broker);
    const VOTES = 2500;
    const hubOptions = { clientId: 'mqtt-classroom-server', clean: false };
    // The hub's persistent session subscribes, publishes a retained tally, goes away.
    let hub = await connectAs(url, server, hubOptions);
    await hub.subscribeAsync(`${PREFIX}/votes/+`, { qos: 1 });
    await hub.publishAsync(`${PREFIX}/tally/persist`, '{"total":7}', { qos: 1, retain: true });
    await closeClient(hub);

    const voter = await connectAs(url, { label: 'anonymous', who: 'public' });
    await Promise.all(Array.from({ length: VOTES }, (_, i) => voter.publishAsync(`${PREFIX}/votes/persist`, `vote-${i}`, { qos: 1 })));
    await closeClient(voter);

    await broker.stop();
    await broker.start();

    // The queued votes arrive right after CONNACK: listen before connecting.
    const got = new Set<string>();
    hub = mqtt.connect(url, { ...hubOptions, username: server.username, password: server.password, reconnectPeriod: 0 });
    hub.on('message', (topic, payload) => {
      if (topic === `${PREFIX}/votes/persist`) got.add(payload.toString());
    });
    try {
      await until(() => got.size >= VOTES, `the ${VOTES} queued votes`, { timeout: 20_000, interval: 50, detail: () => `${got.size} arrived` });
      expect(got.size).toBe(VOTES);
      const late = await connectAs(url, { label: 'anonymous', who: 'public' });
      try {
        const [tally] = await collect(late, `${PREFIX}/tally/persist`, 1);
        expect(tally).toEqual({ topic: `${PREFIX}/tally/persist`, payload: '{"total":7}', retain: true });
      } finally {
        await closeClient(late);
      }
    } finally {
      await closeClient(hub);
    }
  });
});

describe.skipIf(!canRun('mosquitto', 'openssl'))('Mosquitto, secure profile (deploy/mosquitto/secure.conf)', () => {
  let broker: ProfileBroker;
  let spyClient: MqttClient;
  let target: AccessTarget;
  let ca: Buffer;
  let tlsUrl: string;
  let wssUrl: string;

  beforeAll(async () => {
    broker = await startProfile('secure', DEVICES);
    ca = readFileSync(broker.caFile);
    tlsUrl = `mqtts://127.0.0.1:${broker.port(8883)}`;
    wssUrl = `wss://127.0.0.1:${broker.port(8081)}`;
    spyClient = await connectClient(tlsUrl, { username: SPY.username, password: SPY.password, ca });
    target = { connect: (subject, options) => connectAs(tlsUrl, subject, { ca, ...options }), spy: mqttSpy(spyClient) };
  });
  afterAll(async () => {
    if (spyClient !== undefined) await closeClient(spyClient);
    await broker?.dispose();
  });

  it('has exactly the loopback MQTT, the hub\'s loopback WebSocket, TLS and WebSocket-over-TLS listeners', () => {
    expect([...broker.ports.keys()].sort()).toEqual([1883, 8081, 8883, 9002]);
  });

  for (const account of ['voter', 'device', 'server'] as const) {
    for (const action of ACTIONS) {
      it(`access matrix over TLS: what ${account} may ${action}`, async () => {
        const subject = accountsOf(broker)[account];
        expect(await observe(target, subject, action)).toEqual(expected(subject.who, action));
      });
    }
  }

  it('lets MQTT.js vote over wss:// with the classroom CA, and the hub receives it', async () => {
    const { server, voter } = accountsOf(broker);
    const hub = await connectAs(tlsUrl, server, { ca });
    const browser = await connectAs(wssUrl, voter, { ca });
    try {
      const received = collect(hub, `${PREFIX}/votes/+`, 1);
      await received.subscribed;
      await browser.publishAsync(`${PREFIX}/votes/cours`, 'MAT1400', { qos: 1 });
      expect((await received)[0]).toMatchObject({ topic: `${PREFIX}/votes/cours`, payload: 'MAT1400' });
    } finally {
      await Promise.all([closeClient(hub), closeClient(browser)]);
    }
  });

  it('refuses a wrong password over wss://, anonymous clients, and a server it cannot verify', async () => {
    const { voter, device } = accountsOf(broker);
    expect(await refusal(connectAs(wssUrl, { ...voter, password: 'wrong' }, { ca }))).toMatch(/Not authorized|Bad username or password/i);
    expect(await refusal(connectAs(tlsUrl, { ...device, password: 'wrong' }, { ca }))).toMatch(/Not authorized|Bad username or password/i);
    expect(await refusal(connectAs(tlsUrl, { label: 'anonymous', who: 'public' }, { ca }))).toMatch(/Not authorized/i);
    // Without the CA the certificate is not trusted: TLS is really checked.
    expect(await refusal(connectAs(wssUrl, voter))).toMatch(/certificate/i);
  });

  it('accepts the hub on the loopback listeners only with its password', async () => {
    const { server } = accountsOf(broker);
    for (const local of [`mqtt://127.0.0.1:${broker.port(1883)}`, `ws://127.0.0.1:${broker.port(9002)}`]) {
      expect(await refusal(connectAs(local, server))).toBe('connected');
      expect(await refusal(connectAs(local, { label: 'anonymous', who: 'public' }))).toMatch(/Not authorized/i);
      expect(await refusal(connectAs(local, { ...server, password: 'wrong' }))).toMatch(/Not authorized|Bad username or password/i);
    }
  });
});
