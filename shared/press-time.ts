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
 *
 * The age is taken at each send, so what it misses is the copy's transit: from the
 * device's send to the hub's handler (network, broker queue, a busy hub). That only
 * makes a press look later than it was, by up to PRESS_TRANSIT_MARGIN_MS (the bound the
 * hub assumes). A press dated within that margin after a poll opened may have been made
 * before: the hub cannot tell, and does not count it in that poll (pressWindow).
 */
export const MAX_PRESS_AGE_MS = 30 * 24 * 3_600_000;

export function pressedAt(vote: { readonly ts: number; readonly sentAt?: number }, receivedAt: number): number {
  if (vote.sentAt === undefined) return receivedAt;
  const age = Math.min(Math.max(vote.sentAt - vote.ts, 0), MAX_PRESS_AGE_MS);
  return receivedAt - age;
}

/**
 * The transit the hub allows for (docs/protocol.md "When was it pressed"): a copy that
 * took longer may be counted in a poll opened up to this long after it was pressed.
 * Two seconds covers a loaded machine's queues and Wi-Fi retransmissions; a press made
 * this soon after an opening by a device that did not know the poll yet is rejected
 * with its reason rather than counted on a guess.
 */
export const PRESS_TRANSIT_MARGIN_MS = 2_000;

/**
 * When the press may have been made, in hub time: no later than `pressedAt` (transit
 * only adds), no earlier than that less the transit margin. The hub counts a press in a
 * poll only when the poll was current over the whole window (SPEC §5: the poll that was
 * open when it was made).
 */
export function pressWindow(vote: { readonly ts: number; readonly sentAt?: number }, receivedAt: number): { readonly earliest: number; readonly latest: number } {
  const latest = pressedAt(vote, receivedAt);
  return { earliest: latest - PRESS_TRANSIT_MARGIN_MS, latest };
}
