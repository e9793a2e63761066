import type { Clock } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import { encodeReceipt, receiptFor } from '../../shared/codecs/receipt.js';
import type { RejectReason } from '../../shared/codecs/rejection.js';
import { decodeVote } from '../../shared/codecs/vote.js';
import { type Outcome, applyVote, recordRejection } from '../../shared/tally.js';
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
  | { readonly entry: PollEntry; readonly pollId: string }
  | { readonly entry: null; readonly pollId: string | null; readonly reason: RejectReason; readonly detail: string };

/** The id and voter a receipt goes to: a vote has both, or no receipt. */
type VoteIds = { readonly id: string; readonly voter: string };

/** A vote that is not counted: where it was sent, why it was refused, what is known of it. */
interface Refusal {
  readonly target: Target;
  readonly reason: RejectReason;
  readonly detail: string;
  readonly voteId: string | null;
  readonly voter: string | null;
  readonly topic: string;
  readonly receivedAt: number;
}

function votedBy(ids: VoteIds | null): Pick<Refusal, 'voteId' | 'voter'> {
  return { voteId: ids?.id ?? null, voter: ids?.voter ?? null };
}

function idsOf(refusal: Refusal): VoteIds | null {
  return refusal.voteId !== null && refusal.voter !== null ? { id: refusal.voteId, voter: refusal.voter } : null;
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
    const receivedAt = this.ctx.clock.now();
    this.ctx.closeDue?.();
    const target = this.route(topic);
    const decoded = decodeVote(payload, { maxBytes: this.ctx.maxPayloadBytes, receivedAt });
    if (!decoded.ok) {
      const ids = decoded.reason === 'too-large' ? null : idsOfRefusedVote(payload, this.ctx.maxPayloadBytes);
      this.refuse({ target, reason: decoded.reason, detail: decoded.detail, ...votedBy(ids), topic, receivedAt });
      return;
    }
    const vote = decoded.value;
    const ids = vote.id !== null && vote.voter !== null ? { id: vote.id, voter: vote.voter } : null;
    if (target.entry === null) {
      this.refuse({ target, reason: target.reason, detail: target.detail, ...votedBy(ids), topic, receivedAt });
      return;
    }
    const { entry, pollId } = target;
    const outcome = applyVote(entry.tally, vote);
    if (outcome.status === 'counted') {
      this.ctx.stats.counted += 1;
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
      });
    } else if (outcome.status === 'rejected') {
      this.store({ target, reason: outcome.reason, detail: outcome.detail, voteId: vote.id, voter: vote.voter, topic, receivedAt });
    } else {
      this.ctx.stats.duplicates += 1;
    }
    this.acknowledge(pollId, outcome, ids);
  }

  private route(topic: string): Target {
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
    const entry = book.get(parsed.pollId);
    if (entry === undefined) {
      return { entry: null, pollId: parsed.pollId, reason: 'unknown-poll', detail: `no poll ${parsed.pollId}` };
    }
    return { entry, pollId: parsed.pollId };
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
    if (outcome.status === 'duplicate') this.ctx.stats.duplicates += 1;
    else this.store(refusal);
    this.acknowledge(target.pollId, outcome.status === 'duplicate' ? outcome : { status: 'rejected', reason, detail }, ids);
  }

  private store(refusal: Refusal): void {
    const { target, reason, detail, voteId, voter, topic, receivedAt } = refusal;
    const { stats, rejections, log } = this.ctx;
    stats.rejectedBy[reason] = (stats.rejectedBy[reason] ?? 0) + 1;
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

  /** Once committed: the receipt (votes with an id only) and the next snapshot. */
  private acknowledge(pollId: string, outcome: Outcome, ids: VoteIds | null): void {
    const changes = outcome.status === 'rejected' || (outcome.status === 'counted' && outcome.changed);
    if (ids === null && !changes) return;
    const { log, link, topics, changed } = this.ctx;
    log.afterCommit(() => {
      if (changes) changed(pollId);
      if (ids === null) return;
      link.publish(topics.receipts(ids.voter), encodeReceipt(receiptFor(ids.id, pollId, outcome)), { qos: 1, retain: false });
    });
  }
}
