import { PinState } from 'avr8js';
import { type Atmega328p, unoPin } from './atmega328p.js';

/*
 * Inputs. avr8js has no pull-up resistors; the pin bank models them: a pin the
 * test does not drive (`float`) reads high when the firmware enabled its pull-up
 * (input mode with the PORT bit set, what johnny-five's `isPullup` does) and low
 * otherwise. So a button wired to ground is `press` = drive low, `release` =
 * float, and an agent that forgot the pull-up sees a pin stuck low, as it would
 * on a real board.
 */

export type Drive = 'high' | 'low' | 'float';
export type PinReading = 'high' | 'low' | 'input' | 'input-pullup';

/** Called on every change of a pin's reading, with the simulated time of the change. */
export type PinListener = (reading: PinReading, simulatedMs: number) => void;

/** The Uno's pins as the outside world sees them: what drives them, and who watches them. */
export class PinBank {
  private readonly drives = new Map<number, Drive>();
  private readonly listeners = new Map<number, { last: PinReading; listeners: Set<PinListener> }>();

  /** `mcu()` is the current chip (a reset makes a new one); `simulatedMs()` its clock. */
  constructor(
    private readonly mcu: () => Atmega328p,
    private readonly simulatedMs: () => number,
  ) {}

  drive(pin: number, level: Drive): void {
    unoPin(pin);
    this.drives.set(pin, level);
    this.applyOn(this.mcu(), pin);
  }

  /** The pin as the firmware set it: an output's level, or input (with or without pull-up). */
  read(pin: number): PinReading {
    const { port, bit } = unoPin(pin);
    switch (this.mcu().ports[port].pinState(bit)) {
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

  watch(pin: number, listener: PinListener): () => void {
    unoPin(pin);
    let entry = this.listeners.get(pin);
    if (entry === undefined) {
      entry = { last: this.read(pin), listeners: new Set() };
      this.listeners.set(pin, entry);
    }
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /** A new chip (power-on, reset): the outside world still drives the same pins. */
  applyAllOn(mcu: Atmega328p): void {
    for (const pin of this.drives.keys()) this.applyOn(mcu, pin);
  }

  /** The firmware wrote a DDR or PORT register (or the chip was reset). */
  onPortWrite(): void {
    // A DDR or PORT write can switch a pull-up on or off: re-evaluate floating pins.
    for (const pin of this.drives.keys()) this.applyOn(this.mcu(), pin);
    for (const [pin, entry] of this.listeners) {
      const reading = this.read(pin);
      if (reading === entry.last) continue;
      entry.last = reading;
      for (const listener of entry.listeners) listener(reading, this.simulatedMs());
    }
  }

  private applyOn(mcu: Atmega328p, pin: number): void {
    const { port, bit } = unoPin(pin);
    const gpio = mcu.ports[port];
    const drive = this.drives.get(pin) ?? 'float';
    const level = drive === 'float' ? gpio.pinState(bit) === PinState.InputPullUp : drive === 'high';
    gpio.setPin(bit, level);
  }
}
