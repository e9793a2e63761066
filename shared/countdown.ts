/**
 * A countdown shown the same on every screen, whatever each device's clock: the
 * hub says its time once (`/config.json`'s `serverTime`), the page keeps the
 * offset between that and its own clock, and counts down to the poll's deadline
 * in hub time. Pure: the page passes its clock in.
 */

/** How far the hub's clock is ahead of this one; the answer is taken to be made halfway through the request. */
export function clockOffset(serverTime: number, sentAt: number, receivedAt: number): number {
  return serverTime - (sentAt + receivedAt) / 2;
}

/** Whole seconds left before `deadline` (hub time), never below 0; rounded up, so 0 means it is over. */
export function secondsLeft(deadline: number, localNow: number, offsetMs: number): number {
  return Math.max(0, Math.ceil((deadline - (localNow + offsetMs)) / 1000));
}

/** 75 -> "1:15", 5 -> "0:05". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
