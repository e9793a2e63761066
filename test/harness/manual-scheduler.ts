import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';

interface Pending {
  readonly at: number;
  readonly order: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A scheduler on simulated time: nothing runs until the test moves time with
 * `advance()` (or `runNextTurns()` for `nextTurn` callbacks). Timers run in the
 * order of their due time, then of their creation, as Node runs them.
 */
export class ManualScheduler implements Scheduler {
  private time: number;
  private order = 0;
  private timers: Pending[] = [];
  private turns: Pending[] = [];

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const pending: Pending = { at: this.time + Math.max(0, ms), order: this.order++, fn, cancelled: false };
    this.timers.push(pending);
    return { timer: pending };
  }

  nextTurn(fn: () => void): TimerHandle {
    const pending: Pending = { at: this.time, order: this.order++, fn, cancelled: false };
    this.turns.push(pending);
    return { timer: pending };
  }

  clearTimer(handle: TimerHandle | null | undefined): void {
    if (handle === null || handle === undefined) return;
    (handle.timer as Pending).cancelled = true;
  }

  /** Timers and turns not yet run or cancelled. */
  get pending(): number {
    return [...this.timers, ...this.turns].filter((p) => !p.cancelled).length;
  }

  /** Runs the `nextTurn` callbacks queued so far (and those they queue), like one pass of the event loop. */
  runNextTurns(): void {
    for (let guard = 0; guard < 10_000 && this.turns.length > 0; guard += 1) {
      const batch = this.turns;
      this.turns = [];
      for (const p of batch) if (!p.cancelled) p.fn();
    }
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    this.runNextTurns();
    for (;;) {
      this.timers = this.timers.filter((p) => !p.cancelled);
      const next = this.timers.reduce<Pending | null>((a, p) => (p.at <= until && (a === null || p.at < a.at || (p.at === a.at && p.order < a.order)) ? p : a), null);
      if (next === null) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.time = Math.max(this.time, next.at);
      next.fn();
      this.runNextTurns();
    }
    this.time = until;
  }
}
