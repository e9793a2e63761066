/**
 * A countdown that moves by itself: the seconds left before a deadline (hub time,
 * shared/countdown.ts) shown now and again each time the whole number of seconds
 * changes, on the Scheduler port, until it reaches 0. Nothing is fetched for it:
 * the deadline came with the poll, the offset with /config.json.
 */
import { secondsLeft } from '../../shared/countdown.js';
import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';

export interface CountdownTick {
  readonly scheduler: Scheduler;
  /** Hub time (ms) at which the question closes. */
  readonly deadline: number;
  /** The hub's clock minus this device's (ms). */
  readonly offsetMs: number;
  readonly show: (seconds: number) => void;
  /** Once, when it reaches 0. */
  readonly onEnd?: () => void;
}

/** Starts ticking; the returned function stops it. */
export function tickCountdown(tick: CountdownTick): () => void {
  let handle: TimerHandle | null = null;
  const step = () => {
    handle = null;
    const now = tick.scheduler.now();
    const remainingMs = tick.deadline - (now + tick.offsetMs);
    const seconds = secondsLeft(tick.deadline, now, tick.offsetMs);
    tick.show(seconds);
    if (seconds === 0) {
      tick.onEnd?.();
      return;
    }
    // The shown number drops when the time left reaches the next whole second below it.
    handle = tick.scheduler.setTimer(step, remainingMs - (seconds - 1) * 1000);
  };
  step();
  return () => tick.scheduler.clearTimer(handle);
}
