import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';
import type { ButtonEvent, ButtonSpec } from './input.js';

export interface ButtonTrackerContext {
  /** A level must stay unchanged this long to count; 0 takes every change at once. */
  readonly debounceMs: number;
  /** Debounce and hold timers run on it, so tests and the simulated Uno move time themselves. */
  readonly scheduler: Scheduler;
  readonly emit: (event: ButtonEvent) => void;
  /**
   * false: no hold timer; the back end calls `stillHeld()` when it learns the button
   * is still down (the keyboard, which only knows through auto-repeat).
   */
  readonly holdTimer?: boolean;
}

/**
 * Turns raw levels of one button into debounced events. Every back end feeds its
 * raw signal here, so debounce, press and long press mean the same thing on a Pi,
 * a Firmata board, the keyboard and in the simulation.
 *
 * Debounce is "stable for `debounceMs`" (trailing), not "first edge then lock out":
 * a contact bounces for a few milliseconds, and a spike picked up by a long cable
 * must not become a vote.
 */
export class ButtonTracker {
  private raw = false;
  private stable = false;
  private debounceTimer: TimerHandle | null = null;
  private holdTimer: TimerHandle | null = null;
  private held = false;
  private downAt = 0;
  private stopped = false;

  constructor(
    readonly spec: ButtonSpec,
    private readonly options: ButtonTrackerContext,
  ) {}

  /** The level found at start-up: taken as is, without an event (a button held at boot is not a vote). */
  initial(pressed: boolean): void {
    this.raw = pressed;
    this.stable = pressed;
  }

  /** A raw level from the hardware; repeats of the same level are harmless. */
  input(pressed: boolean): void {
    if (this.stopped) return;
    this.raw = pressed;
    if (this.options.debounceMs <= 0) {
      this.settle();
      return;
    }
    this.options.scheduler.clearTimer(this.debounceTimer);
    this.debounceTimer = this.options.scheduler.setTimer(() => {
      this.debounceTimer = null;
      this.settle();
    }, this.options.debounceMs);
  }

  /** The button is known to be still down now: a long press once `holdMs` has passed. */
  stillHeld(): void {
    if (this.stopped || !this.stable || this.held) return;
    if (this.options.scheduler.now() - this.downAt >= this.spec.holdMs) this.fireLongPress();
  }

  /** A long press now, whatever the time held (the keyboard's Shift+digit): once per hold, while down. */
  longPressNow(): void {
    if (this.stopped || !this.stable || this.held) return;
    this.fireLongPress();
  }

  stop(): void {
    this.stopped = true;
    this.options.scheduler.clearTimer(this.debounceTimer);
    this.options.scheduler.clearTimer(this.holdTimer);
    this.debounceTimer = null;
    this.holdTimer = null;
  }

  private settle(): void {
    if (this.raw === this.stable) return;
    this.stable = this.raw;
    if (this.stable) this.down();
    else this.up();
  }

  private down(): void {
    this.held = false;
    this.downAt = this.options.scheduler.now();
    this.emit('down');
    if (!this.spec.waitForHold) this.emit('press');
    if (this.options.holdTimer === false) return;
    this.holdTimer = this.options.scheduler.setTimer(() => {
      this.holdTimer = null;
      this.fireLongPress();
    }, this.spec.holdMs);
  }

  private fireLongPress(): void {
    this.held = true;
    this.emit('long-press');
  }

  private up(): void {
    this.options.scheduler.clearTimer(this.holdTimer);
    this.holdTimer = null;
    this.emit('up');
    if (this.spec.waitForHold && !this.held) this.emit('press');
  }

  private emit(type: ButtonEvent['type']): void {
    this.options.emit({ button: this.spec.id, type, at: this.options.scheduler.now() });
  }
}
