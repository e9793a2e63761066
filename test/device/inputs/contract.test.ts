import { EventEmitter } from 'node:events';
import { silentLogger } from '../../../runtime/logger.js';
import { parseDeviceConfig, type InputConfig } from '../../../device/config.js';
import { BoardRegistry } from '../../../device/firmata/boards.js';
import type { ButtonEvent } from '../../../device/inputs/input.js';
import { FirmataInput, type FirmataInputConfig } from '../../../device/inputs/firmata.js';
import { KEY_TAP_MS, KeyboardInput, type KeyboardInputConfig } from '../../../device/inputs/keyboard.js';
import { OnoffInput, type GpioInputConfig } from '../../../device/inputs/gpio.js';
import { SimulationInput, type SimulationInputConfig } from '../../../device/inputs/simulation.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';
import { createFakeGpio } from '../fakes/fake-gpio.js';
import { PI5_CHIPS, fakeGpioSysfs } from '../fakes/fake-sysfs.js';
import { createMockIo } from '../fakes/mock-board.js';
import { HOLD_MS, describeInputContract } from './contract.js';

const buttons = (extra: (index: number) => object = () => ({})) => [
  { id: 'a', ...extra(0) },
  { id: 'b', longPress: { vote: 2 }, holdMs: HOLD_MS, ...extra(1) },
];

function inputConfig<T extends InputConfig>(input: object): T {
  return parseDeviceConfig({ deviceId: 'box-1', inputs: [input], boards: [{ id: 'uno', serial: '/dev/ttyACM0' }] }).inputs[0] as T;
}

const DEBOUNCE_MS = 30;

describeInputContract('gpio (onoff, fake Gpio, Pi 5 sysfs)', async () => {
  const sysfs = fakeGpioSysfs(PI5_CHIPS);
  const fake = createFakeGpio();
  const scheduler = new ManualScheduler();
  const events: ButtonEvent[] = [];
  const config = inputConfig<GpioInputConfig>({ type: 'gpio', debounceMs: DEBOUNCE_MS, buttons: buttons((i) => ({ pin: [17, 27][i] })) });
  const input = new OnoffInput({ config, Gpio: fake.Gpio, gpioRoot: sysfs.root, logger: silentLogger, scheduler, emit: (e) => events.push(e) });
  // BCM 17 and 27 on the RP1 controller, whose sysfs numbers start at 571.
  const pin = (b: 'a' | 'b') => fake.pin(b === 'a' ? 571 + 17 : 571 + 27)!;
  return {
    input,
    events,
    scheduler,
    pressSettleMs: DEBOUNCE_MS + 1,
    releaseSettleMs: DEBOUNCE_MS + 1,
    down: (b) => pin(b).setLevel(0),
    up: (b) => pin(b).setLevel(1),
    hold: (_b, ms) => scheduler.advance(ms),
    bounce: (b, to) => {
      const [end, other] = to === 'pressed' ? ([0, 1] as const) : ([1, 0] as const);
      for (const level of [end, other, end, other, end]) {
        pin(b).setLevel(level);
        scheduler.advance(2);
      }
    },
    held: () => ({ exported: fake.state.pins.filter((p) => !p.unexported).length, watchers: fake.state.pins.reduce((n, p) => n + p.callbacks.length, 0) }),
    dispose: () => sysfs.dispose(),
  };
});

describeInputContract('firmata (johnny-five Board over mock-firmata)', async () => {
  const { io, ready } = createMockIo();
  const scheduler = new ManualScheduler();
  const events: ButtonEvent[] = [];
  let closed = false;
  const boards = new BoardRegistry({
    boards: [{ id: 'uno', transport: { kind: 'serial', path: '/dev/ttyACM0', baudRate: 57600 }, timeoutMs: 2000 }],
    logger: silentLogger,
    openIo: async () => {
      setImmediate(ready);
      return { io, where: 'mock', close: async () => void (closed = true) };
    },
  });
  const config = inputConfig<FirmataInputConfig>({ type: 'firmata', board: 'uno', debounceMs: DEBOUNCE_MS, buttons: buttons((i) => ({ pin: [2, 3][i] })) });
  const input = new FirmataInput({ config, boards, logger: silentLogger, scheduler, emit: (e) => events.push(e) });
  const pin = (b: 'a' | 'b') => (b === 'a' ? 2 : 3);
  // Pull-up on, wired to ground: a pressed button reads 0.
  return {
    input,
    events,
    scheduler,
    pressSettleMs: DEBOUNCE_MS + 1,
    releaseSettleMs: DEBOUNCE_MS + 1,
    down: (b) => io.report(pin(b), 0),
    up: (b) => io.report(pin(b), 1),
    hold: (b, ms) => {
      // Firmata reports the port again whenever another pin changes: repeats are harmless.
      for (let t = 0; t < ms; t += 100) {
        io.report(pin(b), 0);
        scheduler.advance(Math.min(100, ms - t));
      }
    },
    bounce: (b, to) => {
      const end = to === 'pressed' ? 0 : 1;
      for (const value of [end, 1 - end, end, 1 - end, end]) {
        io.report(pin(b), value);
        scheduler.advance(2);
      }
    },
    held: () => ({ listeners: io.listenerCount('digital-read-2') + io.listenerCount('digital-read-3'), boardOpen: false }),
    dispose: async () => {
      await boards.stop();
      if (!closed) throw new Error('the board registry did not close the board');
    },
  };
});

class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  raw = false;
  paused = true;
  setRawMode(raw: boolean) {
    this.raw = raw;
  }
  resume() {
    this.paused = false;
  }
  pause() {
    this.paused = true;
  }
  type(text: string) {
    this.emit('data', Buffer.from(text));
  }
}

describeInputContract('keyboard (fake TTY)', async () => {
  const stdin = new FakeStdin();
  const scheduler = new ManualScheduler();
  const events: ButtonEvent[] = [];
  const config = inputConfig<KeyboardInputConfig>({ type: 'keyboard', buttons: buttons() });
  const input = new KeyboardInput({ config, stdin, logger: silentLogger, scheduler, emit: (e) => events.push(e) });
  const key = (b: 'a' | 'b') => (b === 'a' ? '1' : '2');
  return {
    input,
    events,
    scheduler,
    // A keystroke is a tap: down at once, up KEY_TAP_MS later (a terminal sends no key-up).
    pressSettleMs: 1,
    releaseSettleMs: KEY_TAP_MS + 1,
    down: (b) => stdin.type(key(b)),
    up: () => undefined,
    // A terminal cannot tell a held key from fast typing: a long press is Shift+digit.
    hold: (b, ms) => {
      stdin.type(b === 'a' ? '!' : '@');
      scheduler.advance(Math.min(ms, KEY_TAP_MS - 1));
    },
    // A key does not bounce: the terminal delivers one character per keystroke.
    bounce: (b, to) => {
      if (to === 'pressed') stdin.type(key(b));
    },
    held: () => ({ rawMode: stdin.raw, reading: !stdin.paused, listeners: stdin.listenerCount('data') }),
  };
});

describeInputContract('simulation (injected levels)', async () => {
  const scheduler = new ManualScheduler();
  const events: ButtonEvent[] = [];
  const config = inputConfig<SimulationInputConfig>({ type: 'simulation', count: 0, debounceMs: DEBOUNCE_MS, buttons: buttons() });
  const input = new SimulationInput({ config, logger: silentLogger, scheduler, emit: (e) => events.push(e) });
  return {
    input,
    events,
    scheduler,
    pressSettleMs: DEBOUNCE_MS + 1,
    releaseSettleMs: DEBOUNCE_MS + 1,
    down: (b) => input.inject(b, true),
    up: (b) => input.inject(b, false),
    hold: (_b, ms) => scheduler.advance(ms),
    bounce: (b, to) => {
      const end = to === 'pressed';
      for (const level of [end, !end, end, !end, end]) {
        input.inject(b, level);
        scheduler.advance(2);
      }
    },
    held: () => ({}),
  };
});
