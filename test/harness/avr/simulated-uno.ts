import { readFileSync } from 'node:fs';
import { ManualScheduler } from '../manual-scheduler.js';
import { Atmega328p, CYCLES_PER_MS, unoPin } from './atmega328p.js';
import { Conditions } from './conditions.js';
import { standardFirmataHexPath } from './firmware.js';
import { parseIntelHex } from './intel-hex.js';
import { Pacer, type SimulationStats, describeStats } from './pacing.js';
import { type Drive, PinBank, type PinListener, type PinReading } from './pins.js';
import type { SimulatedSerialPort } from './serial-link.js';
import { UsartLink } from './usart-link.js';

export type { Drive, PinListener, PinReading } from './pins.js';
export type { SimulationStats } from './pacing.js';
export { standardFirmataHexPath } from './firmware.js';

/**
 * An Arduino Uno running real firmware (by default StandardFirmata, compiled, as
 * shipped by avrgirl-arduino) in avr8js, in step with the wall clock (pacing.ts
 * says how, and how fast machines run it). Between slices it yields to the event
 * loop: that is when the host sees the bytes of a slice, in one chunk, as a
 * USB-serial adapter hands them over in USB frames. `stats()` and
 * `describeStats()` give this machine's figures; the test files print them.
 *
 * Boot. StandardFirmata blinks pin 13 for ~1.9 s of simulated time before it
 * reports its version; nothing on the host can depend on that time, so boots
 * (power-on and `reset()`) run unpaced by default and the pacing starts at the
 * firmware's first transmitted byte.
 *
 * Inputs: pins.ts (the pull-ups avr8js lacks).
 *
 * Host time. `scheduler` is the board's clock as a Scheduler: it moves with the
 * simulated time, slice by slice. Host code that times the board's signals (the
 * agent's debounce and long press, its LED blinks) must run on it: on wall time, a
 * contact the firmware saw open for 40 ms could look open for 10 ms or 130 ms to
 * the host, depending on the machine's load and the slowed-down pace.
 */

export interface SimulatedUnoOptions {
  /** Intel HEX text; default: avrgirl-arduino's StandardFirmata for the Uno. */
  hex?: string;
  /** Simulated ms per wall ms the board aims for. Default 1 (real time). */
  timeScale?: number;
  /** Simulated ms per slice between event-loop turns. Default 2. */
  sliceMs?: number;
  /** Run boots unpaced (see above). Default true. */
  fastBoot?: boolean;
  /**
   * When the boot shows the CPU cannot run `headroom` times faster than
   * `timeScale`, slow `timeScale` down to what it can do (and say so on stderr)
   * instead of falling behind all the time. Default true.
   */
  autoScale?: boolean;
  /** Name shown as the serial port path. */
  path?: string;
}

// StandardFirmata sends its version ~1.9 s after power-on; other firmware may never
// send anything, so a boot ends at the latest after this much simulated time.
const MAX_BOOT_MS = 5_000;

export class SimulatedUno {
  readonly flash: Uint16Array;
  readonly path: string;
  private readonly sliceMs: number;
  private readonly fastBoot: boolean;
  private readonly autoScale: boolean;
  private readonly pacer: Pacer;
  private readonly pins: PinBank;
  private mcu: Atmega328p;
  private readonly serial: UsartLink;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private booting = true;
  private bootWaiters: (() => void)[] = [];
  private readonly conditions = new Conditions(() => this.describeStats());
  private cyclesBeforeReset = 0;
  private resets = 0;
  /** Simulated time as a Scheduler, for the host code that times the board's signals (see above). */
  readonly scheduler = new ManualScheduler(Date.now());

  constructor(options: SimulatedUnoOptions = {}) {
    this.flash = parseIntelHex(options.hex ?? readFileSync(standardFirmataHexPath(), 'latin1'));
    this.pacer = new Pacer(options.timeScale ?? 1);
    this.sliceMs = options.sliceMs ?? 2;
    this.fastBoot = options.fastBoot ?? true;
    this.autoScale = options.autoScale ?? true;
    this.path = options.path ?? '/dev/simulated-uno';
    this.pins = new PinBank(
      () => this.mcu,
      () => this.simulatedMs,
    );
    this.serial = new UsartLink(() => this.mcu, this.path);
    this.mcu = this.powerOn();
  }

  /** Simulated ms per wall ms the board aims for (lowered by autoScale on a slow machine). */
  get timeScale(): number {
    return this.pacer.timeScale;
  }

  /** Starts the CPU; resolves once the firmware finished booting (its first serial byte). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.pacer.start(this.simulatedMs);
    this.schedule(0);
    await this.booted();
    if (this.autoScale) this.pacer.slowDownIfNeeded(this.stats().rawSpeed, this.simulatedMs);
  }

  /** Stops the CPU and unplugs the serial link. */
  stop(): void {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.serial.unplug();
  }

  /**
   * Opens the host end of the USB serial link: the object to hand to
   * `new Firmata(port)`. A previous one is closed first. Unlike a real Uno,
   * opening does not reset the board (no DTR): call `reset()` for that.
   */
  openSerial(): SimulatedSerialPort {
    return this.serial.open();
  }

  /** The reset button (or a DTR pulse): the MCU restarts from address 0 with cleared registers. */
  async reset(): Promise<void> {
    this.cyclesBeforeReset += this.mcu.cycles;
    this.mcu = this.powerOn();
    // A reset turns every pin into an input at once: tell the pin watchers.
    this.pins.onPortWrite();
    this.serial.clear();
    this.resets += 1;
    this.booting = true;
    this.pacer.reanchor(this.simulatedMs);
    if (this.running) await this.booted();
  }

  /** What the outside world does to a pin: drive it high or low, or let it float. */
  drive(pin: number, level: Drive): void {
    this.pins.drive(pin, level);
    this.conditions.check();
  }

  /** A button between the pin and ground: closed. */
  press(pin: number): void {
    this.drive(pin, 'low');
  }

  /** A button between the pin and ground: open (the pull-up, if enabled, pulls it high). */
  release(pin: number): void {
    this.drive(pin, 'float');
  }

  /**
   * A bouncing contact: drives the pin through `levels`, one every `everyMs` of
   * simulated time, starting now; resolves when the last level is applied. The
   * steps are clock events of the simulated CPU, so their spacing is exact in the
   * firmware's time whatever the host's load. (A `reset()` before the last step
   * drops the remaining steps, and the promise never settles.)
   */
  bounce(pin: number, levels: Drive[], everyMs: number): Promise<void> {
    unoPin(pin);
    const mcu = this.mcu;
    return new Promise((resolve) => {
      levels.forEach((level, i) => {
        mcu.cpu.addClockEvent(
          () => {
            this.drive(pin, level);
            if (i === levels.length - 1) resolve();
          },
          Math.round(i * everyMs * CYCLES_PER_MS),
        );
      });
    });
  }

  /** The pin as the firmware set it: an output's level, or input (with or without pull-up). */
  read(pin: number): PinReading {
    return this.pins.read(pin);
  }

  /**
   * Calls `listener` on every change of `read(pin)`, at the instruction that made
   * it, so even a pulse shorter than a slice is seen. Returns the unsubscribe.
   */
  watchPin(pin: number, listener: PinListener): () => void {
    return this.pins.watch(pin, listener);
  }

  /** Resolves when `read(pin)` returns `reading`, or rejects after `timeoutMs` of wall time. */
  waitForPin(pin: number, reading: PinReading, timeoutMs = 10_000): Promise<void> {
    return this.waitFor(() => this.read(pin) === reading, `pin ${pin} to read ${reading}`, timeoutMs);
  }

  /**
   * Resolves once `predicate` holds, checked after every slice and every drive();
   * rejects after `timeoutMs` of wall time with a message naming `what`.
   */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return this.conditions.waitFor(predicate, what, timeoutMs);
  }

  /** Resolves after `ms` of simulated time (a clock event of the CPU; lost on `reset()`). */
  elapse(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.mcu.cpu.addClockEvent(resolve, Math.max(1, Math.round(ms * CYCLES_PER_MS)));
    });
  }

  /** An analog input (A0-A5) in volts, for analogRead. */
  setAnalog(channel: number, volts: number): void {
    this.mcu.adc.channelValues[channel] = volts;
  }

  get simulatedMs(): number {
    return (this.cyclesBeforeReset + this.mcu.cycles) / CYCLES_PER_MS;
  }

  stats(): SimulationStats {
    return this.pacer.stats(this.simulatedMs, this.resets);
  }

  describeStats(): string {
    return describeStats(this.stats(), this.timeScale);
  }

  // ---- internals --------------------------------------------------------------

  private powerOn(): Atmega328p {
    const mcu = new Atmega328p(this.flash);
    mcu.usart.onByteTransmit = (byte) => {
      this.serial.transmitted(byte);
      if (this.booting) this.endBoot();
    };
    // The USART takes one byte at a time (a byte lasts 10 bit times on the wire);
    // the next one goes in when the previous one is complete.
    mcu.usart.onRxComplete = () => this.serial.feedRx();
    for (const port of Object.values(mcu.ports)) port.addListener(() => this.pins.onPortWrite());
    this.pins.applyAllOn(mcu);
    return mcu;
  }

  private endBoot(): void {
    this.booting = false;
    this.pacer.reanchor(this.simulatedMs);
    const waiters = this.bootWaiters;
    this.bootWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private booted(): Promise<void> {
    if (!this.booting) return Promise.resolve();
    return new Promise((resolve) => this.bootWaiters.push(resolve));
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    // setImmediate lets pending I/O (host writes, MQTT) run between slices.
    if (delayMs <= 0) {
      setImmediate(() => this.step());
    } else {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.step();
      }, delayMs);
    }
  }

  private step(): void {
    if (!this.running) return;
    if (this.booting && this.pacer.sinceAnchor(this.simulatedMs) > MAX_BOOT_MS) {
      // Firmware that never transmits (Blink): stop waiting for its first byte.
      this.endBoot();
    }
    const paced = !(this.booting && this.fastBoot);
    const plan = this.pacer.plan(this.simulatedMs, this.sliceMs, paced);
    if ('waitMs' in plan) {
      this.schedule(plan.waitMs);
      return;
    }
    const mcu = this.mcu;
    const before = performance.now();
    const simBefore = this.simulatedMs;
    mcu.runUntil((plan.runUntilMs - this.simulatedMs) * CYCLES_PER_MS + mcu.cycles);
    const sim = this.simulatedMs - simBefore;
    this.pacer.record(performance.now() - before, sim, paced);
    this.serial.flush();
    this.scheduler.advance(sim);
    this.conditions.check();
    this.schedule(0);
  }
}
