import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';

/** How long a render waits for an animation frame before a timer does it instead. */
export const RENDER_FALLBACK_MS = 250;

/**
 * Coalesces renders: however many messages arrive, `render` runs at most once per
 * animation frame, with the latest state. A hidden tab gets no frames at all, so a
 * timer renders instead when none came within RENDER_FALLBACK_MS (or at once
 * through the timer when the page is hidden): state waiting for a frame that never
 * comes would otherwise grow without bound (issue 13: a background chat tab grew by
 * ~20 MB/s under a flood). `minIntervalMs` spaces renders further apart: every
 * render costs a layout, and the browser gives a frame between two messages when one
 * is due, so rendering each frame under a flood leaves time for few messages.
 */
export function renderScheduler(render: () => void, options: { minIntervalMs?: number } = {}): () => void {
  const minIntervalMs = options.minIntervalMs ?? 0;
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = -Infinity;
  const run = () => {
    if (frame !== null) cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
    frame = null;
    timer = null;
    last = performance.now();
    render();
  };
  const request = () => {
    timer = null;
    if (!document.hidden) frame = requestAnimationFrame(run);
    timer = setTimeout(run, document.hidden ? 0 : RENDER_FALLBACK_MS);
  };
  return () => {
    if (frame !== null || timer !== null) return;
    const wait = last + minIntervalMs - performance.now();
    if (wait > 0) timer = setTimeout(request, wait);
    else request();
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
