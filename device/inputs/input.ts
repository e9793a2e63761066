import type { Scheduler } from '../../shared/scheduler.js';
import type { Logger } from '../../runtime/logger.js';

/**
 * What an input back end reports, after debouncing:
 * - `down` / `up`: the button went down / came back up;
 * - `press`: a vote-worthy press (at `down`, or at `up` when the button also has a
 *   long-press action and was released before its hold time);
 * - `long-press`: held for the hold time (once per hold).
 */
export type ButtonEventType = 'down' | 'up' | 'press' | 'long-press';

export interface ButtonEvent {
  readonly button: string;
  readonly type: ButtonEventType;
  /** Epoch milliseconds. */
  readonly at: number;
}

/** How one button is tracked, whatever the hardware. */
export interface ButtonSpec {
  readonly id: string;
  /** How long a hold must last to be a long press. */
  readonly holdMs: number;
  /**
   * True when a long press has its own action: a press is then only known when the
   * button comes up before `holdMs` (otherwise a hold would also count as a press).
   */
  readonly waitForHold: boolean;
}

/**
 * What drives a button's optional LED: what the server said about a vote made with
 * it, or `correct` — the teacher revealed the answer and this button votes for it.
 */
export type Feedback = 'acknowledged' | 'rejected' | 'correct';

/** The one small interface every input back end implements. */
export interface ButtonInput {
  /** For logs: `gpio`, `firmata:esp32`, `keyboard`, `simulation`. */
  readonly name: string;
  /** The button ids this input reports, in order. */
  readonly buttons: readonly string[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Blinks the button's LED when it has one; a no-op otherwise. */
  feedback(button: string, kind: Feedback): void;
}

/** What every back end gets from the agent. */
export interface InputContext {
  readonly logger: Logger;
  /** Debounce, long-press and LED timers run on it. */
  readonly scheduler: Scheduler;
  readonly emit: (event: ButtonEvent) => void;
}
