import type { Logger } from '../../runtime/logger.js';
import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';

export interface ThrottledLogContext {
  logger: Logger;
  /** What is being counted, for the summary line ("rejected votes"). */
  what: string;
  /** At most one summary line per this many milliseconds. */
  intervalMs: number;
  /** Runs the summary timer; the owner's lifecycle calls `stop()`, which clears it. */
  scheduler: Scheduler;
  /** The level of every line (default warn; a store failure is an error). */
  level?: 'warn' | 'error';
}

/**
 * Logs the first occurrence of each kind of event in full (with its detail), then
 * only a count per kind, at most once per interval: a student's script sending
 * ten thousand bad votes must not drown the log, nor go unnoticed.
 */
export class ThrottledLog {
  private readonly seen = new Set<string>();
  private readonly pending = new Map<string, number>();
  private timer: TimerHandle | null = null;

  constructor(private readonly ctx: ThrottledLogContext) {}

  note(key: string, message: string, fields?: Record<string, unknown>): void {
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.write(message, fields);
      return;
    }
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    if (this.timer === null) {
      this.timer = this.ctx.scheduler.setTimer(() => this.summarise(), this.ctx.intervalMs);
    }
  }

  /** Writes the pending summary, and logs the next event of each kind in full again. */
  reset(): void {
    this.summarise();
    this.seen.clear();
  }

  /** Writes the pending summary now (on shutdown) and cancels the timer. */
  stop(): void {
    this.summarise();
  }

  private summarise(): void {
    this.ctx.scheduler.clearTimer(this.timer);
    this.timer = null;
    if (this.pending.size === 0) return;
    const counts = Object.fromEntries(this.pending);
    const total = [...this.pending.values()].reduce((a, b) => a + b, 0);
    this.pending.clear();
    this.write(`${total} more ${this.ctx.what}`, counts);
  }

  private write(message: string, fields?: Record<string, unknown>): void {
    if (this.ctx.level === 'error') this.ctx.logger.error(message, fields);
    else this.ctx.logger.warn(message, fields);
  }
}
