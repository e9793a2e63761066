import type { BinaryValue, Direction, Edge, Options } from 'onoff';
import type { GpioButtonConfig, InputConfig } from '../config.js';
import { GpioAccessError } from '../errors/gpio-access-error.js';
import { Blinker } from './blink.js';
import { DEFAULT_GPIO_ROOT, HEADER_CHIP_LABELS, findHeaderBase } from './gpio-base.js';
import type { ButtonInput, Feedback, InputContext } from './input.js';
import { ButtonTracker } from './tracker.js';

/** The part of onoff's `Gpio` we use; tests inject a fake with the same shape. */
export interface GpioPin {
  watch(callback: (error: Error | null | undefined, value: BinaryValue) => void): void;
  unwatch(callback?: (error: Error | null | undefined, value: BinaryValue) => void): void;
  readSync(): BinaryValue;
  writeSync(value: BinaryValue): void;
  unexport(): void;
}

export interface GpioClass {
  new (gpio: number, direction: Direction, edge?: Edge, options?: Options): GpioPin;
  readonly accessible: boolean;
}

export type GpioInputConfig = Extract<InputConfig, { type: 'gpio' }>;

export interface OnoffInputContext extends InputContext {
  readonly config: GpioInputConfig;
  /** onoff's Gpio; loaded lazily when absent so onoff never loads off a Pi. */
  readonly Gpio?: GpioClass;
  /** Where the gpiochip folders are (tests build a fake tree). */
  readonly gpioRoot?: string;
}

const GROUP_FIX = 'Add your user to the gpio group (`sudo usermod -aG gpio $USER`, then log out and back in), or run as a user that is in it.';

interface OpenButton {
  readonly config: GpioButtonConfig;
  readonly gpio: GpioPin;
  readonly tracker: ButtonTracker;
  readonly onChange: (error: Error | null | undefined, value: BinaryValue) => void;
  readonly led: { gpio: GpioPin; blinker: Blinker } | null;
}

/** Buttons on a Raspberry Pi's header through onoff (sysfs GPIO with edge interrupts). */
export class OnoffInput implements ButtonInput {
  readonly name = 'gpio';
  readonly buttons: readonly string[];
  private readonly open: OpenButton[] = [];
  private readonly exported: GpioPin[] = [];

  constructor(private readonly ctx: OnoffInputContext) {
    this.buttons = ctx.config.buttons.map((b) => b.id);
  }

  async start(): Promise<void> {
    const { config, logger } = this.ctx;
    const pins = config.buttons.flatMap((b) => (b.led === null ? [b.pin] : [b.pin, b.led]));
    const Gpio = this.ctx.Gpio ?? ((await import('onoff')).Gpio as unknown as GpioClass);
    if (!Gpio.accessible) {
      throw new GpioAccessError(
        pins,
        'the sysfs GPIO interface is not accessible (/sys/class/gpio/export is missing or not writable)',
        `${GROUP_FIX} Not on a Raspberry Pi? Use the "keyboard" or "simulation" input instead.`,
      );
    }
    const root = this.ctx.gpioRoot ?? DEFAULT_GPIO_ROOT;
    let base: number;
    try {
      const header = await findHeaderBase({ root, override: config.chip });
      base = header.base;
      if (header.chip !== null) logger.info('GPIO header controller found', { label: header.chip.label, base });
      else if (config.chip?.base === undefined) {
        logger.warn(
          `no ${HEADER_CHIP_LABELS.join(' / ')} controller in ${root}, assuming sysfs numbers start at 0 (old kernel). ` +
            `If the buttons do not respond, set "chip": {"base": N} in the gpio input (chips seen: ${header.chips.map((c) => `${c.label}@${c.base}`).join(', ') || 'none'})`,
        );
      }
    } catch (error) {
      throw new GpioAccessError(pins, `cannot read the GPIO controllers in ${root}`, GROUP_FIX, { cause: error });
    }
    try {
      for (const button of config.buttons) this.openButton(Gpio, base, button);
    } catch (error) {
      this.release();
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.release();
  }

  feedback(button: string, kind: Feedback): void {
    this.open.find((b) => b.config.id === button)?.led?.blinker.blink(kind);
  }

  private openButton(Gpio: GpioClass, base: number, button: GpioButtonConfig): void {
    const { scheduler, emit, logger, config } = this.ctx;
    // Our tracker debounces (same rule for every back end), so onoff gets 0 and
    // reports every edge; with activeLow the value is 1 while the button is down.
    const gpio = this.export(Gpio, base, button.pin, () => new Gpio(base + button.pin, 'in', 'both', { activeLow: button.activeLow, debounceTimeout: 0 }));
    const tracker = new ButtonTracker(
      { id: button.id, holdMs: button.holdMs, waitForHold: button.longPress !== null },
      { debounceMs: config.debounceMs, scheduler, emit },
    );
    const atStart = gpio.readSync() === 1;
    tracker.initial(atStart);
    if (atStart) {
      logger.warn(
        `BCM ${button.pin} (button ${button.id}) reads "pressed" at start-up. If nobody holds it, its pull-up is not enabled: ` +
          `add "gpio=${button.pin}=ip,pu" to /boot/firmware/config.txt and reboot (or run \`pinctrl set ${button.pin} ip pu\`), ` +
          `or set "activeLow": false for a button wired to 3.3 V`,
      );
    }
    const onChange = (error: Error | null | undefined, value: BinaryValue) => {
      if (error) {
        logger.warn(`reading BCM ${button.pin} failed`, { error: error.message });
        return;
      }
      tracker.input(value === 1);
    };
    gpio.watch(onChange);
    let led: OpenButton['led'] = null;
    if (button.led !== null) {
      const ledPin = button.led;
      // 'low': an output that starts off, so the LED does not flash at start-up.
      const ledGpio = this.export(Gpio, base, ledPin, () => new Gpio(base + ledPin, 'low'));
      led = { gpio: ledGpio, blinker: new Blinker((on) => ledGpio.writeSync(on ? 1 : 0), scheduler) };
    }
    this.open.push({ config: button, gpio, tracker, onChange, led });
  }

  private export(Gpio: GpioClass, base: number, bcm: number, make: () => GpioPin): GpioPin {
    let gpio: GpioPin;
    try {
      gpio = make();
    } catch (error) {
      throw gpioError(bcm, base, error);
    }
    this.exported.push(gpio);
    return gpio;
  }

  /** Stops trackers and LEDs and unexports every pin, each in its own try. */
  private release(): void {
    for (const button of this.open) {
      button.tracker.stop();
      try {
        button.led?.blinker.stop();
      } catch {
        // the LED pin may already be gone; unexport below still runs
      }
      try {
        button.gpio.unwatch(button.onChange);
      } catch {
        // unexport below releases the watch anyway
      }
    }
    for (const gpio of this.exported.splice(0)) {
      try {
        gpio.unexport();
      } catch (error) {
        this.ctx.logger.warn('could not unexport a GPIO', { error: error instanceof Error ? error.message : String(error) });
      }
    }
    this.open.length = 0;
  }
}

/** One clear message per failure the kernel reports when exporting a pin. */
export function gpioError(bcm: number, base: number, error: unknown): GpioAccessError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const sysfs = base + bcm;
  const where = base === 0 ? 'sysfs' : `sysfs ${sysfs} = base ${base} + ${bcm}`;
  switch (code) {
    case 'EBUSY':
      return new GpioAccessError(
        [bcm],
        `the pin is busy (${where}): another program or a device-tree overlay holds it (the 1-wire overlay takes BCM 4)`,
        '`gpioinfo` shows who uses it: stop that program, remove the overlay from /boot/firmware/config.txt, or wire the button to another pin.',
        { cause: error },
      );
    case 'EACCES':
    case 'EPERM':
      return new GpioAccessError([bcm], `permission denied (${where})`, GROUP_FIX, { cause: error });
    case 'EINVAL':
      return new GpioAccessError(
        [bcm],
        `the kernel refused GPIO ${sysfs} (${where})`,
        'Check the BCM number (0..27 on the 40-pin header); on an unusual board set "chip": {"base": N} in the gpio input.',
        { cause: error },
      );
    default:
      return new GpioAccessError([bcm], `cannot be opened (${where}): ${error instanceof Error ? error.message : String(error)}`, GROUP_FIX, { cause: error });
  }
}
