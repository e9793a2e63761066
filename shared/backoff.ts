/**
 * How long to wait before reconnecting: one rule for the Node connection
 * (runtime/mqtt/connection.ts) and the pages' (web/lib/connection.ts), each with
 * its own initial delay and cap.
 */
export interface BackoffOptions {
  /** First retry delay, before jitter. */
  initialMs: number;
  /** Cap of the delay, before jitter. */
  maxMs: number;
  /** Source of randomness in [0, 1) (Math.random in production); injected so tests are repeatable. */
  random: () => number;
}

/**
 * Delay before reconnect attempt number `attempt` (0 for the first): capped
 * exponential growth with "equal jitter" — half of the step is fixed, half random —
 * so thirty devices that lost the same broker do not all come back in the same
 * millisecond, yet none waits longer than the cap.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const step = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + options.random() * (step / 2));
}
