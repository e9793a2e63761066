import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PinReading, SimulatedUno } from '../harness/avr/simulated-uno.js';
import { Firmata, type FirmataIo, type J5Board, five, once, record } from './support/johnny-five.js';

/*
 * The Firmata path against the real thing: the compiled StandardFirmata that a
 * teacher flashes on an Uno, running in a simulated ATmega328P, driven by plain
 * johnny-five exactly as a johnny-five program drives a board on a USB port. No
 * agent code here: this pins down what the firmware and johnny-five do, which the
 * agent's tests (agent-on-simulated-uno.test.ts) then rely on.
 *
 * One board per file (it boots once, ~1.9 s of simulated time); each test
 * connects a fresh client and leaves the board as a new client finds it.
 */

const BUTTON = 2;
const LED = 13;
// Wall-time bounds for things that take a few simulated ms: generous, because the
// machine may be shared and the host side is not paced; a hang still fails fast.
const EVENT_MS = 5_000;

// 5 ms slices: a 1 ms chatter of five level changes makes five 3-byte port reports,
// 2.6 ms on the 57,600 baud wire; in 2 ms slices the last ones came a slice later,
// in a second chunk, and on a loaded machine (slices tens of wall ms apart) after
// johnny-five's 7 ms wall-time debounce had fired: two presses of one bounce.
const uno = new SimulatedUno({ sliceMs: 5 });
// Recorded from power-on: the firmware blinks its version on pin 13 while it boots.
const bootTrace: { reading: PinReading; at: number }[] = [];
let bootIo: FirmataIo;
let bootReady: Promise<unknown>;

beforeAll(async () => {
  uno.watchPin(LED, (reading, at) => bootTrace.push({ reading, at }));
  // The port is open before power-on, as with a real Uno whose reset is pulsed by
  // opening the port: the handshake must come from the firmware's own boot
  // announcement, not from firmata-io's query after its (default 5 s) timeout.
  bootIo = new Firmata(uno.openSerial());
  // The ~1.9 s simulated boot runs unpaced, at the CPU's raw speed: ~10x slower
  // than real time on a machine shared by several busy processes.
  bootReady = once(bootIo, 'ready', 60_000);
  await uno.start();
  await bootReady;
}, 90_000);

afterAll(() => {
  uno.stop();
  // Printed so a slow CI machine shows by how much it falls short (see SimulatedUno).
  process.stderr.write(`standard-firmata.test.ts: ${uno.describeStats()}\n`);
});

const clients: FirmataIo[] = [];

/** A new host-side client on the running board, as a johnny-five program that restarts. */
async function connect(): Promise<{ io: FirmataIo; board: J5Board }> {
  // The firmware announced itself at boot only; a later client asks for the
  // version, after this short timeout instead of firmata-io's default 5 s.
  const io = new Firmata(uno.openSerial(), { reportVersionTimeout: 50 });
  clients.push(io);
  const board = new five.Board({ io, repl: false, debug: false, sigint: false });
  await once(board, 'ready', 10_000);
  return { io, board };
}

/** A round trip through the firmware: every byte it sent before the reply has been handled. */
function barrier(io: FirmataIo, pin = BUTTON): Promise<void> {
  return new Promise((resolve) => io.queryPinState(pin, () => resolve()));
}

afterEach(async () => {
  // What a johnny-five program's exit does: SYSTEM_RESET puts every pin back to
  // its default and stops reporting, so the next test starts from a clean board.
  const io = clients.at(-1) ?? bootIo;
  if (io.transport.isOpen) {
    io.reset();
    await barrier(io);
  }
  uno.release(BUTTON);
});

describe('StandardFirmata on a simulated ATmega328P, driven by johnny-five', () => {
  it('completes the Firmata handshake from the firmware boot announcement', async () => {
    expect(bootIo.firmware.name).toBe('StandardFirmata.ino');
    expect(bootIo.firmware.version).toEqual({ major: 2, minor: 4 });
    // The capability and analog-mapping queries were answered by the firmware:
    // an Uno has 20 pins, A0-A5 being 14-19.
    expect(bootIo.pins).toHaveLength(20);
    expect(bootIo.analogPins).toEqual([14, 15, 16, 17, 18, 19]);
    // Before that it blinked its version on the LED, read back from port B:
    // 2 pulses for the major version, then 4 for the minor.
    const pulses = bootTrace.filter((t) => t.reading === 'high').map((t) => t.at);
    expect(pulses).toHaveLength(6);
    const gaps = pulses.slice(1).map((at, i) => at - (pulses[i] ?? 0));
    const longGaps = gaps.map((gap, i) => (gap > 400 ? i : -1)).filter((i) => i >= 0);
    expect(longGaps).toEqual([1]);
  });

  it('lights and clears an LED on pin 13, read back from the simulated port', async () => {
    const { board } = await connect();
    const led = new five.Led({ pin: LED, board });
    led.on();
    await uno.waitForPin(LED, 'high', EVENT_MS);
    led.off();
    await uno.waitForPin(LED, 'low', EVENT_MS);
  });

  it('reports a press and a release of a pull-up button on pin 2', async () => {
    const { io, board } = await connect();
    const button = new five.Button({ pin: BUTTON, board, isPullup: true });
    const events = record(button, ['down', 'up']);
    await barrier(io);
    // johnny-five switched on the pull-up in the firmware, so the open contact
    // reads high and nothing is pressed yet.
    expect(uno.read(BUTTON)).toBe('input-pullup');
    expect(events).toEqual([]);

    const down = once(button, 'down', EVENT_MS);
    uno.press(BUTTON);
    await down;
    expect(button.isDown).toBe(true);

    const up = once(button, 'up', EVENT_MS);
    uno.release(BUTTON);
    await up;
    expect(events.map((e) => e.type)).toEqual(['down', 'up']);
  });

  it('reports a hold for a long press and none for a short one', async () => {
    const { board } = await connect();
    const button = new five.Button({ pin: BUTTON, board, isPullup: true, holdtime: 300 });
    const events = record(button, ['down', 'hold', 'up']);

    // Long: keep the contact closed until johnny-five (on wall time) says hold.
    const hold = once(button, 'hold', EVENT_MS);
    uno.press(BUTTON);
    await hold;
    let up = once(button, 'up', EVENT_MS);
    uno.release(BUTTON);
    await up;
    expect(events.map((e) => e.type)).toEqual(['down', 'hold', 'up']);

    // Short: released as soon as the press is seen, well within the hold time.
    events.length = 0;
    const down = once(button, 'down', EVENT_MS);
    uno.press(BUTTON);
    await down;
    up = once(button, 'up', EVENT_MS);
    uno.release(BUTTON);
    await up;
    const [first, last] = [events[0], events.at(-1)];
    expect(events.map((e) => e.type)).toEqual(['down', 'up']);
    // The assertion above means something only if the press was shorter than the hold time.
    expect((last?.at ?? 0) - (first?.at ?? 0)).toBeLessThan(button.holdtime);
  });

  it('turns a bouncing contact into one press and one release', async () => {
    const { io, board } = await connect();
    const button = new five.Button({ pin: BUTTON, board, isPullup: true });
    const events = record(button, ['down', 'up']);
    // What the firmware reports, before johnny-five's debounce.
    const raw: number[] = [];
    io.digitalRead(BUTTON, (value) => raw.push(value));
    await barrier(io);
    raw.length = 0;

    // The contact chatters for 1 ms of simulated time each way. johnny-five debounces
    // on wall time (7 ms): a chatter split over two slices reaches it in two USB
    // chunks a slice's computation apart, tens of wall ms on a loaded machine, and
    // would read as two presses. So each chatter starts on a slice boundary (right
    // after a clock event resolved) and fits, with its reports, in one 5 ms slice, one chunk, as it
    // fits in a few USB frames of a real board.
    const down = once(button, 'down', EVENT_MS);
    await uno.elapse(1);
    // johnny-five emits a (debounced) 'up' for the reading it got on set-up, 7 wall ms
    // later unless another reading replaces it: not part of the bounce, whichever it was.
    events.length = 0;
    await uno.bounce(BUTTON, ['low', 'float', 'low', 'float', 'low'], 0.25);
    await down;
    const up = once(button, 'up', EVENT_MS);
    await uno.elapse(1);
    await uno.bounce(BUTTON, ['float', 'low', 'float', 'low', 'float'], 0.25);
    await up;
    await barrier(io);

    // The bounce reached the host (otherwise this test would prove nothing)...
    expect(raw.length).toBeGreaterThan(2);
    expect(raw.at(-1)).toBe(1);
    // ...and johnny-five made one press and one release of it.
    expect(events.map((e) => e.type)).toEqual(['down', 'up']);
  });

  it('loses its pin set-up on a board reset, announces itself again, and works once the host re-applies it', { timeout: 90_000 }, async () => {
    const { io, board } = await connect();
    const events = record(new five.Button({ pin: BUTTON, board, isPullup: true }), ['down']);
    await barrier(io);
    expect(uno.read(BUTTON)).toBe('input-pullup');

    // The reset button (or a brown-out): the firmware reboots and, like at
    // power-on, sends its version unasked; firmata-io passes it on as an event.
    // This is how a host can tell that the board lost its set-up.
    // The reboot takes ~1.9 s of simulated time, run unpaced: at the 0.1x a shared
    // machine may give the simulation, that is ~20 s of wall time.
    const announced = once(io, 'reportversion', 60_000);
    await uno.reset();
    await announced;
    await barrier(io);
    expect(uno.read(BUTTON)).not.toBe('input-pullup');
    uno.press(BUTTON);
    await barrier(io);
    expect(events).toEqual([]);
    uno.release(BUTTON);

    // Recovery: set the pin up again (a new Button does pinMode, pull-up, report).
    const again = new five.Button({ pin: BUTTON, board, isPullup: true });
    await barrier(io);
    expect(uno.read(BUTTON)).toBe('input-pullup');
    const down = once(again, 'down', EVENT_MS);
    uno.press(BUTTON);
    await down;
  });

  it('serves a new client after SYSTEM_RESET without rebooting', async () => {
    const before = uno.simulatedMs;
    const { io } = await connect();
    expect(io.firmware.version).toEqual({ major: 2, minor: 4 });
    // No reboot happened: far less than the ~1.9 s boot went by in the firmware.
    expect(uno.simulatedMs - before).toBeLessThan(1_000);
  });
});
