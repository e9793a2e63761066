import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PinState } from 'avr8js';
import { ManualScheduler } from '../manual-scheduler.js';
import { Atmega328p, CYCLES_PER_MS, unoPin } from './atmega328p.js';
import { parseIntelHex } from './intel-hex.js';
import { type SerialWire, SimulatedSerialPort } from './serial-link.js';

/**
 * An Arduino Uno running real firmware (by default StandardFirmata, compiled, as
 * shipped by avrgirl-arduino) in avr8js, in step with the wall clock.
 *
 * Timing. The host side (firmata-io, MQTT) runs on wall time, except what runs on
 * `scheduler` (below); the firmware runs on simulated cycles. The board runs
 * the CPU in slices of `sliceMs` simulated milliseconds and never lets simulated
 * time get ahead of `timeScale` x wall time, so a 57,600 baud link carries about
 * as many bytes per wall second as a real one. Between slices it yields to the
 * event loop (that is when the host sees the bytes of a slice, in one chunk, as a
 * USB-serial adapter hands them over in USB frames). When the machine is too slow
 * to keep up, the lost time is dropped rather than caught up in a burst and is
 * counted in `stats().lagMs`.
 *
 * Measured raw speed (simulated ms per wall ms of CPU work, avr8js 0.21, Node 20):
 * 3.8-4.8x on an idle 2-core development machine, about 2.3x inside vitest next to
 * other test files, 0.5-1.8x with the two cores shared by five busy processes. At
 * 1.5x or more it paces at exactly 1x; below, `autoScale` slows the simulated
 * clock (and says so) rather than skipping anything. `stats()` and
 * `describeStats()` give this machine's figures; the test files print them.
 *
 * Boot. StandardFirmata blinks pin 13 for ~1.9 s of simulated time before it
 * reports its version; nothing on the host can depend on that time, so boots
 * (power-on and `reset()`) run unpaced by default and the pacing starts at the
 * firmware's first transmitted byte.
 *
 * Inputs. avr8js has no pull-up resistors; this board models them: a pin the
 * test does not drive (`float`) reads high when the firmware enabled its pull-up
 * (input mode with the PORT bit set, what johnny-five's `isPullup` does) and low
 * otherwise. So a button wired to ground is `press` = drive low, `release` =
 * float, and an agent that forgot the pull-up sees a pin stuck low, as it would
 * on a real board.
 *
 * Host time. `scheduler` is the board's clock as a Scheduler: it moves with the
 * simulated time, slice by slice. Host code that times the board's signals (the
 * agent's debounce and long press, its LED blinks) must run on it: on wall time, a
 * contact the firmware saw open for 40 ms could look open for 10 ms or 130 ms to
 * the host, depending on the machine's load and the slowed-down pace.
 */

export type Drive = 'high' | 'low' | 'float';
export type PinReading = 'high' | 'low' | 'input' | 'input-pullup';

/** Called on every change of a pin's reading, with the simulated time of the change. */
export type PinListener = (reading: PinReading, simulatedMs: number) => void;

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

export interface SimulationStats {
  /** Simulated ms since power-on (across resets). */
  simulatedMs: number;
  /** Wall ms since start(). */
  wallMs: number;
  /** Simulated ms per wall ms the CPU achieves when not held back (measured inside slices). */
  rawSpeed: number;
  /** Simulated ms per wall ms actually achieved while paced (1 = in step with real time). */
  pacedSpeed: number;
  /** Wall ms the simulation fell behind and dropped because the machine was too slow. */
  lagMs: number;
  resets: number;
}

const require = createRequire(import.meta.url);

/** The compiled StandardFirmata 2.4 for the Uno that avrgirl-arduino ships. */
export function standardFirmataHexPath(): string {
  return require.resolve('avrgirl-arduino/junk/hex/uno/StandardFirmata.cpp.hex');
}

// How far the simulation may fall behind the wall clock before the difference is
// dropped: catching up on more would run the firmware in a burst many times
// faster than real time, which is what the pacing is there to avoid.
const MAX_CATCH_UP_MS = 20;
// StandardFirmata sends its version ~1.9 s after power-on; other firmware may never
// send anything, so a boot ends at the latest after this much simulated time.
const MAX_BOOT_MS = 5_000;
// Pacing needs spare capacity: slices wait for the wall clock, the host's own work
// (firmata-io, johnny-five, MQTT) runs in between, and the machine may be shared.
const HEADROOM = 1.5;

export class SimulatedUno implements SerialWire {
  readonly flash: Uint16Array;
  readonly path: string;
  timeScale: number;
  private readonly sliceMs: number;
  private readonly fastBoot: boolean;
  private readonly autoScale: boolean;
  private mcu: Atmega328p;
  private readonly drives = new Map<number, Drive>();
  private port: SimulatedSerialPort | null = null;
  private rxQueue: number[] = [];
  private txChunk: number[] = [];
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private booting = true;
  private bootWaiters: (() => void)[] = [];
  private pinWatchers = new Set<() => void>();
  private pinListeners = new Map<number, { last: PinReading; listeners: Set<PinListener> }>();
  // Bookkeeping for pacing and stats.
  private cyclesBeforeReset = 0;
  private startWall = 0;
  private anchorWall = 0;
  private anchorSimMs = 0;
  private busyWallMs = 0;
  private busySimMs = 0;
  private pacedWallMs = 0;
  private pacedSimMs = 0;
  private lastStepWall = 0;
  private lagMs = 0;
  private resets = 0;
  /** Simulated time as a Scheduler, for the host code that times the board's signals (see above). */
  readonly scheduler = new ManualScheduler(Date.now());

  constructor(options: SimulatedUnoOptions = {}) {
    this.flash = parseIntelHex(options.hex ?? readFileSync(standardFirmataHexPath(), 'latin1'));
    this.timeScale = options.timeScale ?? 1;
    this.sliceMs = options.sliceMs ?? 2;
    this.fastBoot = options.fastBoot ?? true;
    this.autoScale = options.autoScale ?? true;
    this.path = options.path ?? '/dev/simulated-uno';
    this.mcu = this.powerOn();
  }

  /** Starts the CPU; resolves once the firmware finished booting (its first serial byte). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.startWall = performance.now();
    this.reanchor();
    this.schedule(0);
    await this.booted();
    const { rawSpeed } = this.stats();
    if (this.autoScale && rawSpeed < this.timeScale * HEADROOM) {
      const slowed = Math.max(0.05, rawSpeed / HEADROOM);
      process.stderr.write(
        `simulated Uno: this machine runs the ATmega328P at ${rawSpeed.toFixed(2)}x real time, ` +
          `short of the ${(this.timeScale * HEADROOM).toFixed(2)}x needed to pace it at ${this.timeScale}x; ` +
          `slowing the simulated clock to ${slowed.toFixed(2)}x of wall time (1 simulated ms = ${(1 / slowed).toFixed(1)} wall ms)\n`,
      );
      this.timeScale = slowed;
      this.reanchor();
    }
  }

  /** Stops the CPU and unplugs the serial link. */
  stop(): void {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.port?.unplug();
    this.port = null;
  }

  /**
   * Opens the host end of the USB serial link: the object to hand to
   * `new Firmata(port)`. A previous one is closed first. Unlike a real Uno,
   * opening does not reset the board (no DTR): call `reset()` for that.
   */
  openSerial(): SimulatedSerialPort {
    if (this.port !== null) this.port.close();
    this.rxQueue = [];
    this.port = new SimulatedSerialPort(this, this.path);
    return this.port;
  }

  /** The reset button (or a DTR pulse): the MCU restarts from address 0 with cleared registers. */
  async reset(): Promise<void> {
    this.cyclesBeforeReset += this.mcu.cycles;
    this.mcu = this.powerOn();
    // A reset turns every pin into an input at once: tell the pin watchers.
    this.onPortWrite();
    this.rxQueue = [];
    this.txChunk = [];
    this.resets += 1;
    this.booting = true;
    this.reanchor();
    if (this.running) await this.booted();
  }

  /** What the outside world does to a pin: drive it high or low, or let it float. */
  drive(pin: number, level: Drive): void {
    unoPin(pin);
    this.drives.set(pin, level);
    this.applyInput(pin);
    this.checkWatchers();
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
    const { port, bit } = unoPin(pin);
    switch (this.mcu.ports[port].pinState(bit)) {
      case PinState.High:
        return 'high';
      case PinState.Low:
        return 'low';
      case PinState.InputPullUp:
        return 'input-pullup';
      default:
        return 'input';
    }
  }

  /**
   * Calls `listener` on every change of `read(pin)`, at the instruction that made
   * it, so even a pulse shorter than a slice is seen. Returns the unsubscribe.
   */
  watchPin(pin: number, listener: PinListener): () => void {
    unoPin(pin);
    let entry = this.pinListeners.get(pin);
    if (entry === undefined) {
      entry = { last: this.read(pin), listeners: new Set() };
      this.pinListeners.set(pin, entry);
    }
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
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
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        done();
        resolve();
      };
      const timeout = setTimeout(() => {
        done();
        reject(new Error(`waited ${timeoutMs} ms (wall) for ${what}; ${this.describeStats()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timeout);
        this.pinWatchers.delete(check);
      };
      this.pinWatchers.add(check);
    });
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
    return {
      simulatedMs: this.simulatedMs,
      wallMs: performance.now() - this.startWall,
      rawSpeed: this.busyWallMs > 0 ? this.busySimMs / this.busyWallMs : 0,
      pacedSpeed: this.pacedWallMs > 0 ? this.pacedSimMs / this.pacedWallMs : 0,
      lagMs: this.lagMs,
      resets: this.resets,
    };
  }

  describeStats(): string {
    const s = this.stats();
    return (
      `simulated ${s.simulatedMs.toFixed(0)} ms in ${s.wallMs.toFixed(0)} ms wall; ` +
      `raw speed ${s.rawSpeed.toFixed(2)}x, paced ${s.pacedSpeed.toFixed(2)}x of wall time ` +
      `(target ${this.timeScale.toFixed(2)}x), ${s.lagMs.toFixed(0)} ms dropped behind`
    );
  }

  // ---- SerialWire: called by the SimulatedSerialPort -------------------------

  send(bytes: Uint8Array): void {
    // Bytes sent while the firmware's receiver is off (in reset, before
    // Serial.begin) are lost, as on the real wire.
    if (!this.mcu.usart.rxEnable) return;
    for (const byte of bytes) this.rxQueue.push(byte);
    this.feedRx();
  }

  detach(port: SimulatedSerialPort): void {
    if (this.port === port) {
      this.port = null;
      this.rxQueue = [];
    }
  }

  // ---- internals --------------------------------------------------------------

  private powerOn(): Atmega328p {
    const mcu = new Atmega328p(this.flash);
    mcu.usart.onByteTransmit = (byte) => {
      this.txChunk.push(byte);
      if (this.booting) this.endBoot();
    };
    // The USART takes one byte at a time (a byte lasts 10 bit times on the wire);
    // the next one goes in when the previous one is complete.
    mcu.usart.onRxComplete = () => this.feedRx();
    for (const port of Object.values(mcu.ports)) port.addListener(() => this.onPortWrite());
    for (const pin of this.drives.keys()) this.applyInputOn(mcu, pin);
    return mcu;
  }

  private feedRx(): void {
    const { usart } = this.mcu;
    if (this.rxQueue.length === 0 || usart.rxBusy || !usart.rxEnable) return;
    const byte = this.rxQueue.shift() as number;
    usart.writeByte(byte);
  }

  private onPortWrite(): void {
    // A DDR or PORT write can switch a pull-up on or off: re-evaluate floating pins.
    for (const pin of this.drives.keys()) this.applyInput(pin);
    for (const [pin, entry] of this.pinListeners) {
      const reading = this.read(pin);
      if (reading === entry.last) continue;
      entry.last = reading;
      for (const listener of entry.listeners) listener(reading, this.simulatedMs);
    }
  }

  private applyInput(pin: number): void {
    this.applyInputOn(this.mcu, pin);
  }

  private applyInputOn(mcu: Atmega328p, pin: number): void {
    const { port, bit } = unoPin(pin);
    const gpio = mcu.ports[port];
    const drive = this.drives.get(pin) ?? 'float';
    const level = drive === 'float' ? gpio.pinState(bit) === PinState.InputPullUp : drive === 'high';
    gpio.setPin(bit, level);
  }

  private endBoot(): void {
    this.booting = false;
    this.reanchor();
    const waiters = this.bootWaiters;
    this.bootWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private booted(): Promise<void> {
    if (!this.booting) return Promise.resolve();
    return new Promise((resolve) => this.bootWaiters.push(resolve));
  }

  private reanchor(): void {
    this.anchorWall = performance.now();
    this.anchorSimMs = this.simulatedMs;
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
    if (this.booting && this.simulatedMs - this.anchorSimMs > MAX_BOOT_MS) {
      // Firmware that never transmits (Blink): stop waiting for its first byte.
      this.endBoot();
    }
    const paced = !(this.booting && this.fastBoot);
    const stepWall = performance.now();
    if (paced && this.lastStepWall > 0) this.pacedWallMs += stepWall - this.lastStepWall;
    this.lastStepWall = stepWall;
    let sliceEndMs = this.simulatedMs + this.sliceMs;
    if (paced) {
      const now = performance.now();
      const allowedMs = this.anchorSimMs + (now - this.anchorWall) * this.timeScale;
      const behindMs = allowedMs - this.simulatedMs;
      if (behindMs < 0) {
        // Ahead of the wall clock: sleep until the next slice is due.
        this.schedule(Math.max(1, Math.ceil(-behindMs / this.timeScale)));
        return;
      }
      if (behindMs > MAX_CATCH_UP_MS) {
        this.lagMs += (behindMs - MAX_CATCH_UP_MS) / this.timeScale;
        this.anchorSimMs = this.simulatedMs + MAX_CATCH_UP_MS;
        this.anchorWall = now;
      }
      sliceEndMs = Math.min(sliceEndMs, this.anchorSimMs + (now - this.anchorWall) * this.timeScale + this.sliceMs);
    }
    const mcu = this.mcu;
    const before = performance.now();
    const simBefore = this.simulatedMs;
    mcu.runUntil((sliceEndMs - this.simulatedMs) * CYCLES_PER_MS + mcu.cycles);
    const wall = performance.now() - before;
    const sim = this.simulatedMs - simBefore;
    this.busyWallMs += wall;
    this.busySimMs += sim;
    if (paced) {
      this.pacedSimMs += sim;
    }
    this.flushTx();
    this.scheduler.advance(sim);
    this.checkWatchers();
    this.schedule(0);
  }

  private checkWatchers(): void {
    for (const check of [...this.pinWatchers]) check();
  }

  private flushTx(): void {
    if (this.txChunk.length === 0) return;
    const chunk = Buffer.from(this.txChunk);
    this.txChunk = [];
    this.port?.deliver(chunk);
  }
}
