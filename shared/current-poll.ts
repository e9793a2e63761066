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
