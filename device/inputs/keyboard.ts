import type { InputConfig } from '../config.js';
import type { TimerHandle } from '../../shared/scheduler.js';
import type { ButtonInput, InputContext } from './input.js';
import { ButtonTracker } from './tracker.js';

export type KeyboardInputConfig = Extract<InputConfig, { type: 'keyboard' }>;

/** A readable stream like process.stdin; raw mode is used when it is a TTY. */
export interface KeyStream extends NodeJS.EventEmitter {
  readonly isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface KeyboardInputContext extends InputContext {
  readonly config: KeyboardInputConfig;
  /** Default process.stdin. */
  readonly stdin?: KeyStream;
  /** Raw mode swallows Ctrl-C: called instead, so the agent stops as on SIGINT. */
  readonly onInterrupt?: () => void;
}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
/** What Shift+1..9 types on a US (and most QWERTY) keyboard. */
const SHIFTED_DIGITS = '!@#$%^&*(';
/** How long a keystroke's button stays down: the terminal sends no key-up, so a tap is this long (or ends at the next keystroke). */
export const KEY_TAP_MS = 50;

/**
 * Keys 1..N press buttons 1..N (the demo). A terminal sends characters, not key
 * downs and ups, so every keystroke is one press: a tap of KEY_TAP_MS, cut short
 * by the next keystroke of the same key, so typing fast (or a held key's
 * auto-repeat) is one press per character. It used to take a key as held while it
 * repeated and released only after 700 ms of silence, which made a key typed
 * several times within 700 ms one vote (issue 14). A long press cannot be a held
 * key for the same reason: it is Shift+digit (! @ # … on a US keyboard).
 */
export class KeyboardInput implements ButtonInput {
  readonly name = 'keyboard';
  readonly buttons: readonly string[];
  private readonly trackers: ButtonTracker[];
  private readonly releaseTimers = new Map<number, TimerHandle>();
  private stream: KeyStream | null = null;
  private madeRaw = false;

  constructor(private readonly ctx: KeyboardInputContext) {
    this.buttons = ctx.config.buttons.map((b) => b.id);
    this.trackers = ctx.config.buttons.map(
      (b) => new ButtonTracker({ id: b.id, holdMs: b.holdMs, waitForHold: b.longPress !== null }, { debounceMs: 0, scheduler: ctx.scheduler, emit: ctx.emit, holdTimer: false }),
    );
  }

  async start(): Promise<void> {
    const stream = this.ctx.stdin ?? (process.stdin as KeyStream);
    this.stream = stream;
    if (stream.isTTY === true && typeof stream.setRawMode === 'function') {
      stream.setRawMode(true);
      this.madeRaw = true;
    }
    stream.on('data', this.onData);
    stream.resume();
    const n = this.trackers.length;
    this.ctx.logger.info(
      `keyboard: keys 1..${n} press buttons ${this.buttons.join(', ')} (each keystroke is a press); ` +
        `Shift+1..${n} (${[...SHIFTED_DIGITS.slice(0, n)].join(' ')}) is a long press; Ctrl-C stops`,
    );
  }

  async stop(): Promise<void> {
    for (const timer of this.releaseTimers.values()) this.ctx.scheduler.clearTimer(timer);
    this.releaseTimers.clear();
    for (const tracker of this.trackers) tracker.stop();
    const stream = this.stream;
    this.stream = null;
    if (stream === null) return;
    stream.off('data', this.onData);
    if (this.madeRaw) stream.setRawMode?.(false);
    this.madeRaw = false;
    stream.pause();
  }

  feedback(): void {
    // A terminal has no LED; the log line of the receipt says it.
  }

  private readonly onData = (chunk: Buffer | string): void => {
    for (const char of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
      if (char === CTRL_C || char === CTRL_D) {
        this.ctx.onInterrupt?.();
        return;
      }
      const digit = char.charCodeAt(0) - '1'.charCodeAt(0);
      const shifted = SHIFTED_DIGITS.indexOf(char);
      const index = shifted >= 0 ? shifted : digit;
      const tracker = this.trackers[index];
      if (index < 0 || tracker === undefined) continue;
      this.tap(index, tracker, shifted >= 0);
    }
  };

  /**
   * One keystroke: the previous tap of this key ends now, a new one starts and ends
   * KEY_TAP_MS later. Shift+digit during the digit's own tap turns that tap into a
   * long press instead of making another one.
   */
  private tap(index: number, tracker: ButtonTracker, long: boolean): void {
    const previous = this.releaseTimers.get(index);
    if (previous !== undefined) {
      this.ctx.scheduler.clearTimer(previous);
      this.releaseTimers.delete(index);
      if (!long) tracker.input(false);
    }
    tracker.input(true);
    if (long) tracker.longPressNow();
    this.releaseTimers.set(
      index,
      this.ctx.scheduler.setTimer(() => {
        this.releaseTimers.delete(index);
        tracker.input(false);
      }, KEY_TAP_MS),
    );
  }
}
