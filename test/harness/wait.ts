import { vi } from 'vitest';

/**
 * Resolves once `check()` holds, polled every `interval` ms (vi.waitFor); rejects
 * after `timeout` ms naming `what` and, when given, `detail()` at that moment. The
 * one way tests wait for a state they cannot get an event for (instead of sleeping).
 */
export function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  options: { timeout?: number; interval?: number; detail?: () => string } = {},
): Promise<void> {
  const { timeout = 5_000, interval = 10, detail } = options;
  const fail = () => new Error(`timed out after ${timeout} ms waiting for ${what}${detail ? `: ${detail()}` : ''}`);
  return vi.waitFor(
    () => {
      const held = check();
      if (held === true) return;
      if (held === false) throw fail();
      return held.then((ok) => {
        if (!ok) throw fail();
      });
    },
    { timeout, interval },
  );
}
