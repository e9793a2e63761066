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

/**
 * Keys 1..N press buttons 1..N (the demo). A terminal sends no "key up", only the
 * auto-repeat of a held key, so a key counts as down while it repeats and up once
 * it has been quiet for `releaseAfterMs`. Holding a key is a long press when it is
 * still repeating after `holdMs`; a tap is never one, however long the silence
 * that tells us it ended.
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
    this.ctx.logger.info(`keyboard: keys 1..${this.trackers.length} press buttons ${this.buttons.join(', ')}; hold a key for a long press; Ctrl-C stops`);
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
      const index = char.charCodeAt(0) - '1'.charCodeAt(0);
      const tracker = this.trackers[index];
      if (index < 0 || tracker === undefined) continue;
      tracker.input(true);
      // A repeat proves the key is still down: a long press once holdMs has passed.
      tracker.stillHeld();
      const previous = this.releaseTimers.get(index);
      this.ctx.scheduler.clearTimer(previous);
      this.releaseTimers.set(
        index,
        this.ctx.scheduler.setTimer(() => {
          this.releaseTimers.delete(index);
          tracker.input(false);
        }, this.ctx.config.releaseAfterMs),
      );
    }
  };
}
