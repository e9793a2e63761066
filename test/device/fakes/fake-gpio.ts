import type { BinaryValue, Direction, Edge, Options } from 'onoff';
import type { GpioClass, GpioPin } from '../../../device/inputs/gpio.js';

type Callback = (error: Error | null | undefined, value: BinaryValue) => void;

/**
 * A stand-in for onoff's Gpio with the same constructor and methods. It models the
 * physical line (a button to ground pulls it low) and onoff's `activeLow`, which
 * turns that into logical 1, so the test checks the adapter asks for the right
 * polarity instead of trusting values we made up.
 */
export function createFakeGpio() {
  const state = {
    accessible: true,
    /** sysfs numbers whose export fails, with the errno code the kernel gives. */
    failures: new Map<number, string>(),
    /** Physical level of a line when it is exported (default 1: pulled up). */
    levels: new Map<number, BinaryValue>(),
    pins: [] as FakePin[],
  };

  class FakePin implements GpioPin {
    /** Physical level: 1 = high (pull-up, button up), 0 = low (button to ground, down). */
    level: BinaryValue = 1;
    written: BinaryValue[] = [];
    callbacks: Callback[] = [];
    unexported = false;
    readonly activeLow: boolean;
    readonly debounceTimeout: number;

    constructor(
      readonly gpio: number,
      readonly direction: Direction,
      readonly edge?: Edge,
      options?: Options,
    ) {
      const code = state.failures.get(gpio);
      if (code !== undefined) throw Object.assign(new Error(`${code}: fake export of gpio ${gpio} failed`), { code });
      this.activeLow = options?.activeLow ?? false;
      this.debounceTimeout = options?.debounceTimeout ?? 0;
      this.level = state.levels.get(gpio) ?? 1;
      if (direction === 'low') this.level = 0;
      state.pins.push(this);
    }

    static get accessible(): boolean {
      return state.accessible;
    }

    readSync(): BinaryValue {
      return (this.activeLow ? 1 - this.level : this.level) as BinaryValue;
    }

    writeSync(value: BinaryValue): void {
      this.written.push(value);
      this.level = (this.activeLow ? 1 - value : value) as BinaryValue;
    }

    watch(callback: Callback): void {
      this.callbacks.push(callback);
    }

    unwatch(callback?: Callback): void {
      this.callbacks = callback === undefined ? [] : this.callbacks.filter((c) => c !== callback);
    }

    unexport(): void {
      this.unexported = true;
      this.callbacks = [];
    }

    /** The line changes (an edge interrupt): onoff reads the value and calls every watcher. */
    setLevel(level: BinaryValue): void {
      this.level = level;
      if (this.edge === 'none' || this.unexported) return;
      for (const callback of [...this.callbacks]) callback(null, this.readSync());
    }
  }

  return { Gpio: FakePin as unknown as GpioClass & typeof FakePin, state, pin: (gpio: number) => state.pins.find((p) => p.gpio === gpio) };
}

export type FakeGpio = ReturnType<typeof createFakeGpio>;
