import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';

/**
 * Coalesces renders: however many messages arrive, `render` runs at most once per
 * animation frame, with the latest state. (A hidden tab gets no frames; it renders
 * when it is shown again.)
 */
export function renderScheduler(render: () => void): () => void {
  let queued = false;
  const frame = () => {
    queued = false;
    render();
  };
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(frame);
  };
}

/**
 * The browser's timers behind the shared Scheduler port. `nextTurn` is a
 * zero-delay timeout: a macrotask, after the messages already queued.
 */
export const browserScheduler: Scheduler = {
  now: () => Date.now(),
  setTimer: (fn, ms) => ({ timer: setTimeout(fn, ms) }),
  nextTurn: (fn) => ({ timer: setTimeout(fn, 0) }),
  clearTimer(handle: TimerHandle | null | undefined) {
    if (handle !== null && handle !== undefined) clearTimeout(handle.timer as ReturnType<typeof setTimeout>);
  },
};
