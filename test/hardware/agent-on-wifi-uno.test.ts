import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../device/agent.js';
import { parseDeviceConfig } from '../../device/config.js';
import { loadDeviceEnv } from '../../runtime/env.js';
import { decodeTally } from '../../shared/codecs/tally.js';
import { captureLogger } from '../device/helpers/logs.js';
import { SimulatedUno } from '../harness/avr/simulated-uno.js';
import { WifiBridge } from '../harness/avr/wifi-bridge.js';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { type TestServer, startTestServer } from '../server/helpers.js';
import { MessageLog } from './support/mqtt-log.js';

/*
 * The device agent, unchanged and with its production transport (firmata-io over
 * etherport-client, real TCP on loopback), on the real StandardFirmata of the
 * simulated Uno behind a TCP bridge, as a Wi-Fi board is reached: the firmware
 * booted long before the agent connects (its version report went to nobody), the
 * link drops (Wi-Fi out) and comes back. Votes go through Mosquitto to the server,
 * which counts them; the agent runs on the board's simulated clock.
 */

const DEVICE = 'wifi-box';
const POLL = 'q1';
const PIN_A = 2;
const PIN_D = 4; // votes D: the marker that everything before it was counted
const CLOSED_MS = 100;
const OPEN_MS = 100;
const HEARTBEAT_MS = 500;
const WAIT_MS = 30_000;

type Counts = { A: number; D: number };

describe.skipIf(!canRun('mosquitto'))('the device agent on StandardFirmata behind a Wi-Fi (TCP) bridge', () => {
  const uno = new SimulatedUno();
  const bridge = new WifiBridge(uno);
  const agentDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-wifi-uno-'));
  const logs = captureLogger();
  let mosquitto: MosquittoBroker;
  let server: TestServer;
  let observer: MqttClient;
  let log: MessageLog;
  let agent: Agent;
  let droppedBeforeAgent = 0;

  beforeAll(async () => {
    await bridge.start();
    const booting = uno.start();
    mosquitto = await startMosquitto();
    server = await startTestServer({ MQTT_URL: mosquitto.url });
    server.running.polls.create({ id: POLL, question: 'Which one?', options: ['A', 'B', 'C', 'D'], policy: 'every-press' });
    server.running.polls.open(POLL);
    observer = await connectClient(mosquitto.url);
    log = new MessageLog(observer);
    await new Promise<void>((resolve, reject) => observer.subscribe('classroom/#', { qos: 1 }, (e) => (e ? reject(e) : resolve())));
    await booting;
    // Booted long before the agent connects: the announcement went to nobody.
    await uno.elapse(500);
    droppedBeforeAgent = bridge.droppedFromBoard;
    for (const pin of [PIN_A, PIN_D]) uno.release(pin);

    const config = parseDeviceConfig({
      deviceId: DEVICE,
      pollId: POLL,
      // timeoutMs shorter than firmata-io's 5 s wait before it asks a silent board for its version.
      boards: [{ id: 'uno', host: '127.0.0.1', port: bridge.port, timeoutMs: 2_000, heartbeatMs: HEARTBEAT_MS }],
      inputs: [{ type: 'firmata', board: 'uno', buttons: [{ id: 'a', pin: PIN_A, press: { vote: 1 } }, { id: 'd', pin: PIN_D, press: { vote: 4 } }] }],
    });
    const env = loadDeviceEnv({ env: { MQTT_URL: mosquitto.url, DATA_DIR: agentDir, LOG_LEVEL: 'debug' }, dotenvPath: null });
    agent = new Agent({ env, config, logger: logs.logger, scheduler: uno.scheduler, backoff: { initialMs: 50, maxMs: 500 } });
    await agent.start();
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await bridge.stop();
    uno.stop();
    if (observer) await closeClient(observer);
    await server?.dispose();
    await mosquitto?.dispose();
    rmSync(agentDir, { recursive: true, force: true });
    process.stderr.write(`agent-on-wifi-uno.test.ts: ${uno.describeStats()}\n`);
  }, 30_000);

  const countsOf = (text: string): Counts | null => {
    const decoded = decodeTally(text);
    return decoded.ok ? { A: decoded.value.counts.A ?? 0, D: decoded.value.counts.D ?? 0 } : null;
  };
  const countsNow = (): Counts => {
    const last = log.on(`classroom/tally/${POLL}`).at(-1);
    return (last && countsOf(last.text)) ?? { A: 0, D: 0 };
  };
  const tallyWhere = async (predicate: (c: Counts) => boolean, what: string): Promise<Counts> => {
    const m = await log.waitFor(`classroom/tally/${POLL}`, (msg) => { const c = countsOf(msg.text); return c !== null && predicate(c); }, `a tally with ${what}`, WAIT_MS);
    return countsOf(m.text) as Counts;
  };
  const pinsSetUp = async (what: string) => {
    for (const pin of [PIN_A, PIN_D]) await uno.waitFor(() => uno.read(pin) === 'input-pullup', `pin ${pin} ${what}`, WAIT_MS);
  };
  const logSince = (from: number) => logs.lines.slice(from).join('\n');
  /** The marker: once D is counted, every press before it was counted too (one client, QoS 1, in order). */
  const markerCounted = async (before: Counts) => {
    await shortPress(PIN_D);
    return tallyWhere((c) => c.D === before.D + 1, 'the marker D');
  };

  it('connects to a board that booted long ago and says nothing on connect: asks its version, sets the pins up', async () => {
    expect(droppedBeforeAgent).toBeGreaterThan(0); // the boot announcement reached no client
    expect(bridge.fromHost).toContain(0xf9); // REPORT_VERSION, asked by the agent
    await pinsSetUp('to be an input with its pull-up');
    expect(bridge.connections).toBe(1);
  });

  it('counts every press made while connected', async () => {
    const before = countsNow();
    for (let i = 0; i < 3; i += 1) await shortPress(PIN_A);
    const counts = await tallyWhere((c) => c.A === before.A + 3, 'A counted three more times');
    expect(counts).toEqual({ A: before.A + 3, D: before.D });
  });

  it('Wi-Fi out while the board reboots: notices the dead link, reconnects, sets the pins up again; the press during the drop is lost', { timeout: 90_000 }, async () => {
    const before = countsNow();
    const from = logs.lines.length;
    await shortPress(PIN_A); // made while the link is up: must be counted
    await bridge.drop('blackhole');
    await shortPress(PIN_A); // made during the drop: the board sends it to nobody
    await uno.reset(); // and it reboots while unreachable: every pin mode forgotten
    expect(uno.read(PIN_A)).not.toBe('input-pullup');
    await bridge.restore();
    await pinsSetUp('to be set up again after the reconnect');
    expect(logSince(from)).toMatch(/board uno .*stopped answering/);
    expect(logSince(from)).toMatch(/board uno .*answers again/);
    const counts = await markerCounted(before);
    expect(counts).toEqual({ A: before.A + 1, D: before.D + 1 });
  });

  it('a short blackout the agent did not notice: the board forgot the connection, the agent reconnects on the reset', { timeout: 90_000 }, async () => {
    const before = countsNow();
    const from = logs.lines.length;
    const modes = bridge.pinModeCommands(PIN_A);
    const connections = bridge.connections;
    await bridge.drop('blackhole');
    await bridge.restore();
    await uno.waitFor(() => bridge.connections > connections && bridge.pinModeCommands(PIN_A) > modes, 'a new connection and the pins set up again', WAIT_MS);
    expect(logSince(from)).toMatch(/board uno .*answers again/);
    await shortPress(PIN_A);
    const counts = await markerCounted(before);
    expect(counts).toEqual({ A: before.A + 1, D: before.D + 1 });
  });

  it('the board resets the connection: reconnects once it is reachable again, and a press during the drop is lost', { timeout: 90_000 }, async () => {
    const before = countsNow();
    const modes = bridge.pinModeCommands(PIN_A);
    await bridge.drop('close');
    await shortPress(PIN_A);
    await bridge.restore();
    await uno.waitFor(() => bridge.connected && bridge.pinModeCommands(PIN_A) > modes, 'the pins set up again', WAIT_MS);
    const counts = await markerCounted(before);
    expect(counts).toEqual({ A: before.A, D: before.D + 1 });
  });

  async function shortPress(pin: number): Promise<void> {
    uno.press(pin);
    await uno.elapse(CLOSED_MS);
    uno.release(pin);
    await uno.elapse(OPEN_MS);
  }
});
