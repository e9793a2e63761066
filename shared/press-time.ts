/**
 * When a press was made, in the hub's time (SPEC §5: voters' clocks are not
 * trusted). A device's absolute time may be anything (a Pi without a real-time
 * clock boots with the time it had when it was switched off), so it is never
 * compared with the hub's. Only the device's *elapsed* time is used: how long it
 * kept the press before this send (`sentAt - ts`, both from its one clock), taken
 * back from the moment the hub received it. That age is bounded to
 * [0, MAX_PRESS_AGE_MS]: a press cannot be made after it arrived, and a clock
 * stepped by years cannot send the lookup into the void.
 *
 * What this time decides is bounded too: only *which* poll a press that named none
 * belongs to. It never lets a vote into a poll that is closed when it arrives
 * (closing is decided by arrival, as for every vote), so a wrong or lying clock
 * can at worst get a press rejected, or counted in a poll that is open anyway.
 */
export const MAX_PRESS_AGE_MS = 30 * 24 * 3_600_000;

export function pressedAt(vote: { readonly ts: number; readonly sentAt?: number }, receivedAt: number): number {
  if (vote.sentAt === undefined) return receivedAt;
  const age = Math.min(Math.max(vote.sentAt - vote.ts, 0), MAX_PRESS_AGE_MS);
  return receivedAt - age;
}
