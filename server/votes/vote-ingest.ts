import type { Clock } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import { encodeReceipt, receiptFor, receiptLevel } from '../../shared/codecs/receipt.js';
import type { RejectReason } from '../../shared/codecs/rejection.js';
import { type Press, type Vote, decodeVote, resolvePosition } from '../../shared/codecs/vote.js';
import { OPEN_POLL_ID } from '../../shared/poll.js';
import { PRESS_TRANSIT_MARGIN_MS, pressWindow } from '../../shared/press-time.js';
import { type Outcome, applyVote, duplicateOf, recordRejection } from '../../shared/tally.js';
import { type Topics, parseTopic } from '../../shared/topics.js';
import type { ThrottledLog } from '../logging/throttled-log.js';
import type { MqttLink } from '../mqtt/mqtt-link.js';
import type { VoteLog } from '../store/vote-log.js';
import type { PollBook, PollEntry } from '../tally/poll-book.js';
import type { ServerStats } from './server-stats.js';
import { idsOfRefusedVote } from './vote-ids.js';

export interface VoteIngestContext {
  topics: Topics;
  /** The legacy topic whose plain votes count for the open poll (`test/phone`). */
  voteTopic: string | null;
  maxPayloadBytes: number;
  book: PollBook;
  log: VoteLog;
  link: MqttLink;
  clock: Clock;
  logger: Logger;
  rejections: ThrottledLog;
  stats: ServerStats;
  /** A poll's tally changed and is committed: schedule its snapshot. */
  changed: (pollId: string) => void;
  /** Closes the polls whose countdown is over, so a vote after a deadline is rejected as closed. */
  closeDue?: () => void;
}

/** Where a vote's topic sends it: a poll in memory, or a reason it has none. */
type Target =
  | { readonly entry: PollEntry; readonly pollId: string; readonly reason?: undefined }
  /** A press resolved to a poll that cannot take it now (closed since): counted in its rejections. */
  | { readonly entry: PollEntry; readonly pollId: string; readonly reason: RejectReason; readonly detail: string }
  | { readonly entry: null; readonly pollId: string | null; readonly reason: RejectReason; readonly detail: string };

/** A vote's id, its voter and where its receipt goes (receiptLevel): a vote has all, or no receipt. */
type VoteIds = { readonly id: string; readonly voter: string; readonly to: string };

/** A vote that is not counted: where it was sent, why it was refused, what is known of it. */
interface Refusal {
  readonly target: Target;
  readonly reason: RejectReason;
  readonly detail: string;
  readonly voteId: string | null;
  readonly voter: string | null;
  /** Where its receipt goes, when it has one. */
  readonly to: string | null;
  readonly topic: string;
  readonly receivedAt: number;
}

function votedBy(ids: VoteIds | null): Pick<Refusal, 'voteId' | 'voter' | 'to'> {
  return { voteId: ids?.id ?? null, voter: ids?.voter ?? null, to: ids?.to ?? null };
}

function idsOf(refusal: Refusal): VoteIds | null {
  const { voteId, voter, to } = refusal;
  return voteId !== null && voter !== null && to !== null ? { id: voteId, voter, to } : null;
}

/**
 * From an MQTT message on a votes topic to a stored outcome and a receipt. The
 * shared codec decodes, the shared reducer decides; this class only routes, stores
 * and acknowledges. Receipts and tally changes wait for the commit that makes the
 * vote durable, so nothing is announced that a crash could take back.
 */
export class VoteIngest {
  constructor(private readonly ctx: VoteIngestContext) {}

  handle(topic: string, payload: Uint8Array, retained: boolean): void {
    // A retained vote is a copy of one already handled live, replayed to every new
    // subscription: counting it would add a vote per server restart.
    if (retained) {
      this.ctx.logger.debug('ignored a retained message on a vote topic', { topic });
      return;
    }
    // An empty message is MQTT's "delete the retained message" (the hub's retain
    // janitor sends it after a retained vote, server/mqtt/retain-janitor.ts): no vote.
    if (payload.length === 0) {
      this.ctx.logger.debug('ignored an empty message on a vote topic', { topic });
      return;
    }
    const receivedAt = this.ctx.clock.now();
    this.ctx.closeDue?.();
    const decoded = decodeVote(payload, { maxBytes: this.ctx.maxPayloadBytes, receivedAt });
    const target = this.route(topic, decoded.ok ? decoded.value : null, receivedAt);
    if (!decoded.ok) {
      const ids = decoded.reason === 'too-large' ? null : idsOfRefusedVote(payload, this.ctx.maxPayloadBytes);
      this.refuse({ target, reason: decoded.reason, detail: decoded.detail, ...votedBy(ids), topic, receivedAt });
      return;
    }
    const ids = decoded.value.id !== null && decoded.value.voter !== null ? { id: decoded.value.id, voter: decoded.value.voter, to: receiptLevel({ voter: decoded.value.voter, reply: decoded.value.reply }) } : null;
    if (target.entry === null || (target.reason !== undefined && !target.entry.tally.seen.has(decoded.value.id ?? ''))) {
      this.refuse({ target, reason: target.reason as RejectReason, detail: target.detail as string, ...votedBy(ids), topic, receivedAt });
      return;
    }
    const { entry, pollId } = target;
    // A press by position counts for the option at that position of the poll it went to.
    const resolved = entry.tally.seen.has(decoded.value.id ?? '') ? null : resolvePosition(decoded.value, entry.tally.poll);
    if (resolved !== null && !resolved.ok) {
      this.refuse({ target, reason: resolved.reason, detail: resolved.detail, ...votedBy(ids), topic, receivedAt });
      return;
    }
    if (resolved === null) {
      // Already handled (a redelivery): a duplicate of what its first copy was (counted, or refused and why).
      this.countDuplicate();
      this.acknowledge(pollId, duplicateOf(entry.tally, decoded.value.id as string), ids);
      return;
    }
    const vote = resolved.value;
    const outcome = applyVote(entry.tally, vote);
    if (outcome.status === 'counted') {
      this.count((stats) => {
        stats.counted += 1;
      });
      this.ctx.log.addVote({
        pollId,
        round: entry.round,
        voteId: vote.id,
        option: vote.option,
        voter: vote.voter,
        source: vote.source,
        ts: vote.ts,
        receivedAt,
        seq: entry.tally.seq,
        team: vote.team ?? null,
      });
    } else if (outcome.status === 'rejected') {
      this.store({ target, reason: outcome.reason, detail: outcome.detail, ...votedBy(ids), voteId: vote.id, voter: vote.voter, topic, receivedAt });
    } else {
      this.countDuplicate();
    }
    this.acknowledge(pollId, outcome, ids);
  }

  private route(topic: string, vote: Vote | Press | null, receivedAt: number): Target {
    const { book, topics, voteTopic } = this.ctx;
    if (voteTopic !== null && topic === voteTopic) {
      const entry = book.latestOpen();
      if (entry !== undefined) return { entry, pollId: entry.tally.poll.id };
      return { entry: null, pollId: null, reason: 'poll-closed', detail: `no poll is open for the votes on ${voteTopic}` };
    }
    const parsed = parseTopic(topics, topic);
    if (parsed === null || parsed.kind !== 'votes') {
      return { entry: null, pollId: null, reason: 'bad-id', detail: `the topic ${topic} does not name a valid poll id` };
    }
    if (parsed.pollId === OPEN_POLL_ID) return this.routePress(vote, receivedAt);
    const entry = book.get(parsed.pollId);
    if (entry === undefined) {
      return { entry: null, pollId: parsed.pollId, reason: 'unknown-poll', detail: `no poll ${parsed.pollId}` };
    }
    return { entry, pollId: parsed.pollId };
  }

  /**
   * A press for "the poll open when it was pressed" (`votes/@open`): the poll current
   * at its press time in hub time (shared/press-time.ts), if that poll is still open
   * now; a redelivery goes where its first copy went, so a press never counts in two
   * polls whatever its age says the second time.
   */
  private routePress(vote: Vote | Press | null, receivedAt: number): Target {
    const { book } = this.ctx;
    const none = { entry: null, pollId: OPEN_POLL_ID } as const;
    if (vote === null) return { ...none, reason: 'bad-json', detail: 'unreadable press' };
    const earlier = vote.id === null ? null : book.handled(vote.id);
    if (earlier !== null) return { entry: earlier, pollId: earlier.tally.poll.id };
    const { earliest, latest } = pressWindow(vote, receivedAt);
    const ago = Math.round((receivedAt - latest) / 1000);
    const entry = book.currentAt(latest);
    if (entry === null) return { ...none, reason: 'poll-closed', detail: `no poll was open when it was pressed (${ago} s before it arrived)` };
    const pollId = entry.tally.poll.id;
    // Transit makes a press look later than it was: dated just after this poll opened,
    // it may have been made before. Not counted on a guess (shared/press-time.ts).
    if (book.currentAt(earliest) !== entry) {
      const margin = PRESS_TRANSIT_MARGIN_MS / 1000;
      return { ...none, reason: 'poll-closed', detail: `pressed within ${margin} s of the opening of poll ${pollId} (${ago} s before it arrived): it may have been pressed before it opened` };
    }
    if (entry.tally.poll.state !== 'open') {
      return { entry, pollId, reason: 'poll-closed', detail: `pressed while poll ${pollId} was open (${ago} s before it arrived), but it closed before the press arrived` };
    }
    return { entry, pollId };
  }

  /** A vote that cannot count: stored with its reason, and a receipt when it has ids. */
  private refuse(refusal: Refusal): void {
    const { target, reason, detail } = refusal;
    const ids = idsOf(refusal);
    if (target.entry === null) {
      this.store(refusal);
      if (target.pollId !== null) this.acknowledge(target.pollId, { status: 'rejected', reason, detail }, ids);
      return;
    }
    const outcome = recordRejection(target.entry.tally, reason, refusal.voteId);
    if (outcome.status === 'duplicate') this.countDuplicate();
    else this.store(refusal);
    this.acknowledge(target.pollId, outcome.status === 'duplicate' ? outcome : { status: 'rejected', reason, detail }, ids);
  }

  private store(refusal: Refusal): void {
    const { target, reason, detail, voteId, voter, topic, receivedAt } = refusal;
    const { rejections, log } = this.ctx;
    this.count((stats) => {
      stats.rejectedBy[reason] = (stats.rejectedBy[reason] ?? 0) + 1;
    });
    rejections.note(reason, `vote rejected (${reason}): ${detail}`, { topic, ...(voteId === null ? {} : { id: voteId }) });
    const entry = target.entry;
    log.addRejection({
      pollId: entry === null ? null : target.pollId,
      round: entry?.round ?? null,
      voteId,
      voter,
      reason,
      detail,
      topic,
      receivedAt,
      seq: entry?.tally.seq ?? null,
    });
  }

  /**
   * Counters count what is stored: they move after the commit, so a batch that a
   * full disk refused (and whose votes will come again) is not counted.
   */
  private count(update: (stats: ServerStats) => void): void {
    const { log, stats } = this.ctx;
    log.afterCommit(() => update(stats));
  }

  private countDuplicate(): void {
    this.count((stats) => {
      stats.duplicates += 1;
    });
  }

  /** Once committed: the receipt (votes with an id only) and the next snapshot. */
  private acknowledge(pollId: string, outcome: Outcome, ids: VoteIds | null): void {
    const changes = outcome.status === 'rejected' || (outcome.status === 'counted' && outcome.changed);
    if (ids === null && !changes) return;
    const { log, link, topics, changed } = this.ctx;
    log.afterCommit(() => {
      if (changes) changed(pollId);
      if (ids === null) return;
      link.publish(topics.receipts(ids.to), encodeReceipt(receiptFor(ids.id, pollId, outcome)), { qos: 1, retain: false });
    });
  }
}
