import type { Poll } from './poll.js';

/**
 * Which poll is current, one rule for the device (what a press votes on), the
 * server (what a vote on the legacy topic counts for) and the pages (what they
 * show): a pinned poll id wins whatever the poll's state; otherwise the open poll
 * opened last. Ties go to the smaller id (code units, not the locale), so every
 * end picks the same poll whatever order the retained messages arrived in.
 */
export function currentPoll<P extends Poll>(polls: Iterable<P>, pinned: string | null = null): P | null {
  const all = [...polls];
  if (pinned !== null) return all.find((poll) => poll.id === pinned) ?? null;
  return latestOpened(all.filter((poll) => poll.state === 'open'));
}

/** The poll opened last, a never-opened one counting as the oldest; null when there is none. */
export function latestOpened<P extends Poll>(polls: Iterable<P>): P | null {
  let best: P | null = null;
  for (const poll of polls) if (best === null || openedLater(poll, best)) best = poll;
  return best;
}

function openedLater(a: Poll, b: Poll): boolean {
  const at = a.openedAt ?? -Infinity;
  const bt = b.openedAt ?? -Infinity;
  return at !== bt ? at > bt : a.id < b.id;
}

/** One opening of a poll on the hub: from `openedAt` until `closedAt` (null: still open), hub time. */
export interface PollOpening {
  readonly pollId: string;
  readonly openedAt: number;
  readonly closedAt: number | null;
}

/**
 * The poll that was current at `at` (hub time): the rule of `currentPoll` applied
 * to the past — of the openings that contain `at`, the one opened last, ties to the
 * smaller id. null when no poll was open then. The hub uses it for the presses a
 * device made without knowing the open poll (docs/protocol.md).
 */
export function currentPollAt(openings: Iterable<PollOpening>, at: number): string | null {
  let best: PollOpening | null = null;
  for (const opening of openings) {
    if (opening.openedAt > at || (opening.closedAt !== null && opening.closedAt <= at)) continue;
    if (best === null || opening.openedAt > best.openedAt || (opening.openedAt === best.openedAt && opening.pollId < best.pollId)) best = opening;
  }
  return best?.pollId ?? null;
}
