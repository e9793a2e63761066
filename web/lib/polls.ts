/**
 * The polls and tally snapshots a page has seen on the retained topics, and which
 * poll it shows: the one pinned with `?poll=`, else the most recently opened open
 * poll, else the most recently opened closed one (shown as closed).
 */
import { decodePoll } from '../../shared/codecs/poll.js';
import { type TallySnapshot, decodeTally } from '../../shared/codecs/tally.js';
import { currentPoll, latestOpened } from '../../shared/current-poll.js';
import type { Poll } from '../../shared/poll.js';

/** The current poll, else (nothing open, nothing pinned) the last one opened, shown as closed. */
export function pickPoll(polls: Iterable<Poll>, pinned: string | null): Poll | null {
  const all = [...polls];
  return currentPoll(all, pinned) ?? (pinned === null ? latestOpened(all) : null);
}

/**
 * Whether `next` replaces `current`. `seq` orders the snapshots of one run of the
 * server, so an older one delivered late is ignored; a later `at` with a smaller
 * `seq` is a poll that was reset, which must show.
 */
export function isNewerTally(current: TallySnapshot | undefined, next: TallySnapshot): boolean {
  return current === undefined || next.seq > current.seq || next.at > current.at;
}

export class PollBoard {
  readonly polls = new Map<string, Poll>();
  readonly tallies = new Map<string, TallySnapshot>();

  /** A message on `<prefix>/polls/<id>`; an empty retained payload removes the poll. True when something changed. */
  takePoll(pollId: string, payload: Uint8Array): boolean {
    if (payload.byteLength === 0) return this.polls.delete(pollId);
    const decoded = decodePoll(payload);
    if (!decoded.ok || decoded.value.id !== pollId) return false;
    this.polls.set(pollId, decoded.value);
    return true;
  }

  /** A message on `<prefix>/tally/<id>`. True when it replaced what was shown. */
  takeTally(pollId: string, payload: Uint8Array): boolean {
    if (payload.byteLength === 0) return this.tallies.delete(pollId);
    const decoded = decodeTally(payload);
    if (!decoded.ok || decoded.value.poll !== pollId) return false;
    if (!isNewerTally(this.tallies.get(pollId), decoded.value)) return false;
    this.tallies.set(pollId, decoded.value);
    return true;
  }

  current(pinned: string | null): Poll | null {
    return pickPoll(this.polls.values(), pinned);
  }
}

/** `?poll=<id>` pins a page to one poll. */
export function pinnedPoll(search: string): string | null {
  const value = new URLSearchParams(search).get('poll');
  return value === null || value === '' ? null : value;
}
