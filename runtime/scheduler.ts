import type { Scheduler, TimerHandle } from '../shared/scheduler.js';

type NodeTimer = { timer: NodeJS.Timeout | NodeJS.Immediate; immediate: boolean };

/** Node's timers behind the Scheduler port. */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    return { timer: setTimeout(fn, ms), immediate: false } satisfies NodeTimer;
  },
  nextTurn(fn) {
    return { timer: setImmediate(fn), immediate: true } satisfies NodeTimer;
  },
  clearTimer(handle: TimerHandle | null | undefined) {
    if (handle === null || handle === undefined) return;
    const h = handle as NodeTimer;
    if (h.immediate) clearImmediate(h.timer as NodeJS.Immediate);
    else clearTimeout(h.timer as NodeJS.Timeout);
  },
};
