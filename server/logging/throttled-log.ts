import type { Logger } from '../../runtime/logger.js';

export interface ThrottledLogContext {
  logger: Logger;
  /** What is being counted, for the summary line ("rejected votes"). */
  what: string;
  /** At most one summary line per this many milliseconds. */
  intervalMs: number;
}

/**
 * Logs the first occurrence of each kind of event in full (with its detail), then
 * only a count per kind, at most once per interval: a student's script sending
 * ten thousand bad votes must not drown the log, nor go unnoticed.
 */
export class ThrottledLog {
  private readonly seen = new Set<string>();
  private readonly pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly ctx: ThrottledLogContext) {}

  note(key: string, message: string, fields?: Record<string, unknown>): void {
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.ctx.logger.warn(message, fields);
      return;
    }
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    if (this.timer === null) {
      this.timer = setTimeout(() => this.summarise(), this.ctx.intervalMs);
      this.timer.unref();
    }
  }

  /** Writes the pending summary now (on shutdown) and cancels the timer. */
  stop(): void {
    this.summarise();
  }

  private summarise(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0) return;
    const counts = Object.fromEntries(this.pending);
    const total = [...this.pending.values()].reduce((a, b) => a + b, 0);
    this.pending.clear();
    this.ctx.logger.warn(`${total} more ${this.ctx.what}`, counts);
  }
}
