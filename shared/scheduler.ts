/**
 * Time, as every component with a clock receives it (MQTT.js takes a `Timer`
 * the same way): the current time, one-shot timers, and "after this turn". Shared
 * code never reads the clock or starts a timer itself; it is handed a Scheduler.
 * The system one (runtime/scheduler.ts, web/lib/scheduler.ts) wraps the host's
 * timers; tests use a manual one (test/harness/manual-scheduler.ts) and move time
 * forward themselves, so nothing waits on wall time.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** An opaque handle; only the scheduler that made it can cancel it. */
export type TimerHandle = { readonly timer: unknown };

export interface Scheduler extends Clock {
  /** Calls `fn` once, `ms` from now. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer or a `nextTurn`; harmless if it already ran or was cancelled. */
  clearTimer(handle: TimerHandle | null | undefined): void;
  /**
   * Calls `fn` after the current turn, once the work already queued (I/O, other
   * messages) has run: Node's `setImmediate`, a macrotask in a browser. Used to
   * batch what one turn produced (group commit, one pump per turn).
   */
  nextTurn(fn: () => void): TimerHandle;
}

/** Calls `fn` every `ms` until the returned function is called. */
export function every(scheduler: Scheduler, ms: number, fn: () => void): () => void {
  let handle: TimerHandle | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    handle = scheduler.setTimer(tick, ms);
    fn();
  };
  handle = scheduler.setTimer(tick, ms);
  return () => {
    stopped = true;
    scheduler.clearTimer(handle);
  };
}
