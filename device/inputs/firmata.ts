import type { FirmataButtonConfig, InputConfig } from '../config.js';
import { BoardError } from '../errors/board-error.js';
import type { BoardRegistry } from '../firmata/boards.js';
import type { FirmataIo } from '../firmata/types.js';
import { Blinker } from './blink.js';
import type { ButtonInput, Feedback, InputContext } from './input.js';
import { ButtonTracker } from './tracker.js';

export type FirmataInputConfig = Extract<InputConfig, { type: 'firmata' }>;

export interface FirmataInputContext extends InputContext {
  readonly config: FirmataInputConfig;
  readonly boards: Pick<BoardRegistry, 'get'>;
}

interface WiredButton {
  readonly config: FirmataButtonConfig;
  readonly pin: number;
  readonly led: number | null;
  readonly tracker: ButtonTracker;
  readonly listener: (value: number) => void;
  readonly blinker: Blinker | null;
}

/**
 * Buttons on a Firmata board (USB serial or StandardFirmataWiFi over TCP), reached
 * through johnny-five's Board. The pins are read through the board's IO, the same
 * `digitalRead` johnny-five's Button uses, but with our tracker: Button has a fixed
 * 7 ms debounce and starts a hold interval on every press that nothing clears if
 * the agent stops while a button is held.
 */
export class FirmataInput implements ButtonInput {
  readonly name: string;
  readonly buttons: readonly string[];
  private io: FirmataIo | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly wired: WiredButton[] = [];

  constructor(private readonly ctx: FirmataInputContext) {
    this.name = `firmata:${ctx.config.board}`;
    this.buttons = ctx.config.buttons.map((b) => b.id);
  }

  async start(): Promise<void> {
    const { config, scheduler, emit } = this.ctx;
    const connected = await this.ctx.boards.get(config.board);
    const { io } = connected;
    this.io = io;
    for (const button of config.buttons) {
      const pin = resolvePin(io, config.board, button.pin);
      const led = button.led === null ? null : resolvePin(io, config.board, button.led);
      const tracker = new ButtonTracker(
        { id: button.id, holdMs: button.holdMs, waitForHold: button.longPress !== null },
        { debounceMs: config.debounceMs, scheduler, emit },
      );
      const listener = (value: number) => tracker.input(button.invert ? value === 0 : value === 1);
      const blinker = led === null ? null : new Blinker((on) => io.digitalWrite(led, on ? io.HIGH : io.LOW), scheduler);
      this.wired.push({ config: button, pin, led, tracker, listener, blinker });
      this.configure(io, this.wired[this.wired.length - 1] as WiredButton);
      io.digitalRead(pin, listener);
    }
    this.unsubscribe = connected.onRestart(this.onRestart);
  }

  async stop(): Promise<void> {
    const io = this.io;
    this.io = null;
    for (const button of this.wired) {
      button.tracker.stop();
      try {
        button.blinker?.stop();
      } catch {
        // a board that is gone cannot switch its LED off; nothing else to do
      }
      // firmata-io's digitalRead adds a listener on this event; remove ours so a
      // board shared with a thermometer does not keep calling a stopped input.
      io?.removeListener(`digital-read-${button.pin}`, button.listener);
    }
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.wired.length = 0;
  }

  feedback(button: string, kind: Feedback): void {
    this.wired.find((b) => b.config.id === button)?.blinker?.blink(kind);
  }

  /** The board forgot its pin modes and reporting (reset, Wi-Fi back): set them again. */
  private readonly onRestart = () => {
    const io = this.io;
    if (io === null) return;
    for (const button of this.wired) {
      this.configure(io, button);
      io.reportDigitalPin?.(button.pin, 1);
    }
  };

  private configure(io: FirmataIo, button: WiredButton): void {
    const pullupMode = io.MODES.PULLUP;
    // Only where the board lists PULLUP among the pin's modes: StandardFirmata 2.4
    // (the one many Unos still run) has no such mode and ignores it.
    if (button.config.pullup && pullupMode !== undefined && io.pins[button.pin]?.supportedModes.includes(pullupMode)) {
      io.pinMode(button.pin, pullupMode);
    } else {
      io.pinMode(button.pin, io.MODES.INPUT);
      // Before PULLUP existed, writing HIGH to an input switched its pull-up on (as
      // johnny-five's Button does).
      if (button.config.pullup) io.digitalWrite(button.pin, io.HIGH);
    }
    if (button.led !== null) io.pinMode(button.led, io.MODES.OUTPUT);
  }
}

/** A pin number, or "A0".."A15" mapped through the board's analog pin list. */
export function resolvePin(io: FirmataIo, board: string, pin: number | string): number {
  if (typeof pin === 'number') {
    if (io.pins.length > 0 && io.pins[pin] === undefined) {
      throw new BoardError(board, `pin ${pin}`, `the board has no pin ${pin} (it reports pins 0..${io.pins.length - 1})`, 'Check the pin number in device.json against the board pinout.');
    }
    return pin;
  }
  const channel = Number(pin.slice(1));
  const mapped = io.analogPins[channel];
  if (mapped === undefined) {
    throw new BoardError(board, `pin ${pin}`, `the board has no analog pin ${pin} (it has ${io.analogPins.length})`, 'Check the pin name in device.json.');
  }
  return mapped;
}
