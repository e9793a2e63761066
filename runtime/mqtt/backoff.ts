export interface BackoffOptions {
  /** First retry delay, before jitter. */
  initialMs: number;
  /** Cap of the delay, before jitter. */
  maxMs: number;
  /** Source of randomness in [0, 1); injected so tests are repeatable. */
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, random: Math.random };

/**
 * Delay before reconnect attempt number `attempt` (0 for the first): capped
 * exponential growth with "equal jitter" — half of the step is fixed, half random —
 * so thirty devices that lost the same broker do not all come back in the same
 * millisecond, yet none waits longer than the cap.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const step = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + options.random() * (step / 2));
}
