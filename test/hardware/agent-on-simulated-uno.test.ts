import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Agent } from '../../device/agent.js';
import { type BoardConfig, parseDeviceConfig } from '../../device/config.js';
import type { FirmataIo as AgentFirmataIo, OpenedIo } from '../../device/firmata/types.js';
import { loadDeviceEnv } from '../../runtime/env.js';
import { decodeTally } from '../../shared/codecs/tally.js';
import { captureLogger } from '../device/helpers/logs.js';
import { type PinReading, SimulatedUno } from '../harness/avr/simulated-uno.js';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { type TestServer, startTestServer } from '../server/helpers.js';
import { Firmata, type FirmataIo } from './support/johnny-five.js';
import { type Message, MessageLog } from './support/mqtt-log.js';

/*
 * The device agent, unchanged, on the real StandardFirmata in a simulated Uno:
 * its johnny-five back end talks Firmata over the simulated USB serial link, its
 * votes go through a real Mosquitto to the real server, which counts them, and the
 * receipt comes back to light the LED on pin 13, read back from the simulated port.
 *
 * The only seam is the agent's `openIo` hook (what would open /dev/ttyACM0): it
 * hands firmata-io the simulated port instead. Everything above it — the
 * BoardRegistry's johnny-five Board, the FirmataInput, debounce, outbox, MQTT — is
 * the production code. The agent runs on the board's simulated clock
 * (`uno.scheduler`), as it would on a real board's: a press held 100 simulated ms
 * lasts 100 ms for its debounce and long-press timers too, whatever the load.
 */

const DEVICE = 'uno-box';
const POLL = 'q1';
// Buttons: A on pin 2 with the LED on 13; B on pin 3 votes 2 (short) or 3 (long);
// D on pin 4 votes 4 and serves as a marker after the bounce test.
const PIN_A = 2;
const PIN_B = 3;
const PIN_D = 4;
const LED = 13;
const HOLD_MS = 800;
// A short press, in simulated ms: closed, then open before anything else happens.
const CLOSED_MS = 100;
const OPEN_MS = 100;
const WAIT_MS = 15_000;

const haveMosquitto = canRun('mosquitto');

describe.skipIf(!haveMosquitto)('the device agent on StandardFirmata in a simulated Uno, through Mosquitto to the server', () => {
  const uno = new SimulatedUno();
  const agentDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-uno-agent-'));
  const logs = captureLogger();
  const ledTrace: { reading: PinReading; at: number; wall: number; outbox: number }[] = [];
  let mosquitto: MosquittoBroker;
  let server: TestServer;
  let observer: MqttClient;
  let log: MessageLog;
  let agent: Agent;
  // The agent's firmata-io instance (made in openIo below), to watch what the firmware sends it.
  let agentIo: FirmataIo | null = null;

  beforeAll(async () => {
    // With the agent's outbox size at that instant: the receipt removes the vote before it blinks.
    uno.watchPin(LED, (reading, at) => ledTrace.push({ reading, at, wall: performance.now(), outbox: (agent as Agent | undefined)?.outboxSize ?? -1 }));
    const booting = uno.start();
    mosquitto = await startMosquitto();
    server = await startTestServer({ MQTT_URL: mosquitto.url });
    server.running.polls.create({ id: POLL, question: 'Which one?', options: ['A', 'B', 'C', 'D'], policy: 'every-press' });
    server.running.polls.open(POLL);
    observer = await connectClient(mosquitto.url);
    log = new MessageLog(observer);
    await new Promise<void>((resolve, reject) => observer.subscribe('classroom/#', { qos: 1 }, (e) => (e ? reject(e) : resolve())));
    await booting;

    const config = parseDeviceConfig({
      deviceId: DEVICE,
      pollId: POLL,
      boards: [{ id: 'uno', serial: uno.path }],
      inputs: [
        {
          type: 'firmata',
          board: 'uno',
          buttons: [
            { id: 'a', pin: PIN_A, led: LED, press: { vote: 1 } },
            { id: 'b', pin: PIN_B, press: { vote: 2 }, longPress: { vote: 3 }, holdMs: HOLD_MS },
            { id: 'd', pin: PIN_D, press: { vote: 4 } },
          ],
        },
      ],
    });
    const env = loadDeviceEnv({ env: { MQTT_URL: mosquitto.url, DATA_DIR: agentDir, LOG_LEVEL: 'debug' }, dotenvPath: null });
    agent = new Agent({
      env,
      config,
      logger: logs.logger,
      scheduler: uno.scheduler,
      backoff: { initialMs: 50, maxMs: 500 },
      openIo: async (board: BoardConfig): Promise<OpenedIo> => {
        const port = uno.openSerial();
        // The board booted before the agent opened the port (a real Uno would be
        // reset by the port opening; this one is not): firmata-io asks for the
        // version after this timeout instead of waiting for the boot announcement.
        const io = new Firmata(port, { reportVersionTimeout: 100 });
        agentIo = io;
        return {
          io: io as unknown as AgentFirmataIo,
          where: board.transport.kind === 'serial' ? board.transport.path : uno.path,
          close: () => new Promise<void>((resolve) => port.close(() => resolve())),
        };
      },
    });
    // The buttons are open contacts: their pins float, and only a pull-up makes them read "up".
    for (const pin of [PIN_A, PIN_B, PIN_D]) uno.release(pin);
    await agent.start();
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    uno.stop();
    if (observer) await closeClient(observer);
    await server?.dispose();
    await mosquitto?.dispose();
    rmSync(agentDir, { recursive: true, force: true });
    process.stderr.write(`agent-on-simulated-uno.test.ts: ${uno.describeStats()}\n`);
  }, 30_000);

  const tallies = (m: Message) => {
    const decoded = decodeTally(m.text);
    return decoded.ok ? decoded.value : null;
  };
  /** Resolves with the first snapshot of the poll that satisfies `predicate`. */
  const tallyWhere = async (predicate: (counts: Readonly<Record<string, number>>) => boolean, what: string) => {
    const m = await log.waitFor(`classroom/tally/${POLL}`, (msg) => {
      const t = tallies(msg);
      return t !== null && predicate(t.counts);
    }, `a tally with ${what}`, WAIT_MS);
    return tallies(m)?.counts ?? {};
  };
  /**
   * The counts so far, from the last snapshot; each test asserts what it added to
   * them, so none depends on what the tests before it counted.
   */
  type Counts = { A: number; B: number; C: number; D: number };
  const countsNow = (): Counts => {
    const last = log.on(`classroom/tally/${POLL}`).at(-1);
    const counts = last === undefined ? null : tallies(last)?.counts;
    return { A: 0, B: 0, C: 0, D: 0, ...counts };
  };
  const plus = (before: Counts, added: Partial<Counts>): Counts => ({
    A: before.A + (added.A ?? 0),
    B: before.B + (added.B ?? 0),
    C: before.C + (added.C ?? 0),
    D: before.D + (added.D ?? 0),
  });
  const votesFrom = () => log.on(`classroom/votes/${POLL}`).map((m) => JSON.parse(m.text) as { option: string; voter: string; source: string });

  it('sets the button pins up in the real firmware: inputs with the pull-up, so they read up until pressed', async () => {
    expect(agentIo?.firmware.name).toBe('StandardFirmata.ino');
    for (const pin of [PIN_A, PIN_B, PIN_D]) {
      await uno.waitFor(() => uno.read(pin) === 'input-pullup', `pin ${pin} to be an input with its pull-up`, WAIT_MS);
    }
    expect(votesFrom()).toEqual([]);
  });

  it('counts a press on pin 2 at the server, and lights the LED on pin 13 once the receipt is back', async () => {
    const before = countsNow();
    const pressedAt = performance.now();
    uno.press(PIN_A);
    // Released whatever happens below, so one failure does not cascade into the next tests.
    onTestFinished(() => uno.release(PIN_A));
    const counts = await tallyWhere((c) => c.A === before.A + 1, 'A counted once');
    expect(counts).toMatchObject(plus(before, { A: 1 }));
    const vote = votesFrom().at(-1);
    expect(vote).toMatchObject({ option: 'A', source: 'button' });
    // The device votes under its voter secret, never its public device id (docs/protocol.md, "Voter privacy").
    expect(vote?.voter).toMatch(/^dev-/);

    // The server's receipt comes back to the agent, which blinks the button's LED:
    // one 250 ms pulse means "counted" (three 80 ms ones would mean "rejected").
    await log.waitFor(`classroom/receipts/mqtt-classroom-device-${DEVICE}`, (m) => m.text.includes('"counted"'), 'a counted receipt', WAIT_MS);
    await uno.waitFor(() => ledTrace.some((t) => t.wall > pressedAt && t.reading === 'high'), 'the LED to light', WAIT_MS);
    await uno.waitFor(() => ledTrace.some((t) => t.wall > pressedAt && t.reading === 'low'), 'the LED to go off', WAIT_MS);
    const pulse = ledTrace.filter((t) => t.wall > pressedAt);
    expect(pulse.map((t) => t.reading)).toEqual(['high', 'low']);
    const [on, off] = pulse as [(typeof pulse)[0], (typeof pulse)[0]];
    // 250 ms means counted, 80 ms rejected. The blinker runs on the board's clock,
    // so the pulse is measured in simulated ms (a slice or two of slack).
    expect(off.at - on.at).toBeGreaterThan(150);
    // Lit only once the receipt had taken the vote out of the outbox: the LED answers
    // the receipt, not the press. (Compared with when the observer saw the vote, in this
    // same process, the order depended on which socket the event loop read first.)
    expect(on.outbox).toBe(0);
    await agentHasNoPendingVotes();
    uno.release(PIN_A);
  });

  it('votes the long-press option for a hold and the press option for a short press', async () => {
    const before = countsNow();
    // Long: keep the contact closed until the agent says long press, then open it
    // for longer than the debounce. (The vote is made at the long press, so its tally
    // says nothing about the release: before the agent ran on the board's clock, the
    // next press came within the debounce of this release on a busy machine, the
    // release read as a bounce and the short press below was lost.)
    uno.press(PIN_B);
    await log.waitFor(`classroom/devices/${DEVICE}/buttons/b`, (m) => m.text.includes('long-press'), 'a long-press event', WAIT_MS);
    uno.release(PIN_B);
    await uno.elapse(OPEN_MS);
    await tallyWhere((c) => c.C === before.C + 1, 'C counted once');

    // Short: closed for 100 ms of simulated time, far longer than the 30 ms
    // debounce and far shorter than the hold time, whatever the pace.
    await shortPress(PIN_B);
    const counts = await tallyWhere((c) => c.C === before.C + 1 && c.B === before.B + 1, 'B and C counted once');
    expect(counts).toMatchObject(plus(before, { B: 1, C: 1 }));
  });

  it('makes one vote of a bouncing contact', async () => {
    const before = countsNow();
    const raw: number[] = [];
    const onRaw = (value: number) => raw.push(value);
    agentIo?.on(`digital-read-${PIN_A}`, onRaw);
    // The contact chatters for 2 ms of simulated time closing, and again opening.
    await uno.bounce(PIN_A, ['low', 'float', 'low', 'float', 'low'], 0.5);
    await uno.elapse(100);
    await uno.bounce(PIN_A, ['float', 'low', 'float', 'low', 'float'], 0.5);
    await uno.elapse(100);
    agentIo?.off(`digital-read-${PIN_A}`, onRaw);
    // A clean press on D afterwards: once it is counted, anything the bounce
    // produced before it has been counted too (one client, QoS 1, in order).
    await shortPress(PIN_D);
    const counts = await tallyWhere((c) => c.D === before.D + 1, 'the marker vote D');

    expect(raw.length).toBeGreaterThan(2); // the bounce did reach the agent
    expect(counts).toMatchObject(plus(before, { A: 1, D: 1 }));
  });

  // The reboot (~1.9 s simulated, unpaced) takes ~20 s of wall time on a loaded machine.
  it('reports a board reset and sets the pins up again, so the next press still counts', { timeout: 90_000 }, async () => {
    const before = countsNow();
    const linesBefore = logs.lines.length;
    await uno.reset();
    // The firmware forgot every pin mode; the agent must notice and set them again.
    for (const pin of [PIN_A, PIN_B, PIN_D]) {
      await uno.waitFor(() => uno.read(pin) === 'input-pullup', `pin ${pin} to be set up again after the reset`, WAIT_MS);
    }
    const told = logs.lines.slice(linesBefore).filter((line) => /uno/.test(line) && /reset|restart|reboot|again/i.test(line));
    expect(told.length).toBeGreaterThan(0);

    await shortPress(PIN_A);
    const counts = await tallyWhere((c) => c.A === before.A + 1, 'A counted once more');
    expect(counts).toMatchObject(plus(before, { A: 1 }));
  });

  /**
   * A short press: the contact closed for 100 ms of simulated time, then open for
   * as long, both far longer than the 30 ms debounce and far shorter than HOLD_MS.
   * The agent times it on the same simulated clock, so the machine's load cannot
   * stretch or shrink it.
   */
  async function shortPress(pin: number): Promise<void> {
    uno.press(pin);
    await uno.elapse(CLOSED_MS);
    uno.release(pin);
    await uno.elapse(OPEN_MS);
  }

  async function agentHasNoPendingVotes(): Promise<void> {
    // The outbox empties on receipts; checked on simulated-board slices, which tick often.
    await uno.waitFor(() => agent.outboxSize === 0, 'the outbox to be empty', WAIT_MS);
  }
});
