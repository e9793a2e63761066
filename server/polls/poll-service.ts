import { randomBytes } from 'node:crypto';
import type { Clock } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import { encodePoll } from '../../shared/codecs/poll.js';
import { type TallySnapshot, snapshotOf } from '../../shared/codecs/tally.js';
import type { RejectReason } from '../../shared/codecs/rejection.js';
import type { Poll } from '../../shared/poll.js';
import type { Scheduler } from '../../shared/scheduler.js';
import { createTally, updatePoll } from '../../shared/tally.js';
import type { Topics } from '../../shared/topics.js';
import { InvalidPollError, PollAskedError, PollExistsError, PollNotFoundError } from '../errors/poll-errors.js';
import type { MqttLink } from '../mqtt/mqtt-link.js';
import type { TallyPublisher } from '../publish/tally-publisher.js';
import type { PollStore } from '../store/poll-store.js';
import type { VoteLog } from '../store/vote-log.js';
import { Countdowns } from './countdowns.js';
import { type NewPoll, blankPoll, checkAnswer, definePoll, sameDefinition } from './poll-definition.js';

export type { NewPoll } from './poll-definition.js';
import type { PollBook, PollEntry } from '../tally/poll-book.js';

export interface PollSummary {
  readonly poll: Poll;
  /** The correct option's id (the teacher's view; `poll.correct` only once revealed), or null. */
  readonly answer: string | null;
  readonly round: number;
  readonly createdAt: number;
  readonly tally: TallySnapshot;
}

export interface PollServiceContext {
  store: PollStore;
  log: VoteLog;
  book: PollBook;
  link: MqttLink;
  tallies: TallyPublisher;
  topics: Topics;
  clock: Clock;
  /** The countdowns' timers. */
  scheduler: Scheduler;
  logger: Logger;
}

/** The longest countdown a question may have. */
export const MAX_COUNTDOWN_SECONDS = 3600;

/**
 * The poll lifecycle: create -> open -> close, and reset, which archives the
 * current round and starts an empty one (nothing is ever deleted). Each change is
 * stored, then published as the retained poll definition and a new snapshot.
 */
export class PollService {
  /** The open polls with a countdown, each closed by the hub at its deadline. */
  private readonly countdowns: Countdowns;

  private readonly stateListeners: ((pollId: string, state: Poll['state']) => void)[] = [];

  constructor(private readonly ctx: PollServiceContext) {
    this.countdowns = new Countdowns(ctx.scheduler, ctx.clock, (pollId) => {
      ctx.logger.info('countdown over: poll closed', { poll: pollId });
      this.close(pollId);
    });
  }

  /** Called after a poll opened or closed (quiz mode follows its questions). */
  onStateChange(listener: (pollId: string, state: Poll['state']) => void): void {
    this.stateListeners.push(listener);
  }

  list(): PollSummary[] {
    return this.ctx.book.list().map((entry) => this.summary(entry));
  }

  get(pollId: string): PollSummary {
    return this.summary(this.entry(pollId));
  }

  create(input: NewPoll): PollSummary {
    const poll = definePoll(blankPoll(input.id ?? this.freshId()), input);
    if (this.ctx.book.get(poll.id) !== undefined) throw new PollExistsError(poll.id);
    const answer = input.correct ?? null;
    if (answer !== null) checkAnswer(poll, answer);
    const now = this.ctx.clock.now();
    this.ctx.store.insertPoll(poll, now);
    if (answer !== null) this.ctx.store.saveAnswer(poll.id, answer, false);
    const seen = new Set<string>();
    const refused = new Map<string, RejectReason>();
    const entry: PollEntry = { tally: createTally(poll, seen, refused), round: 1, createdAt: now, seen, refused, answer };
    this.ctx.book.set(poll.id, entry);
    this.ctx.logger.info('poll created', { poll: poll.id, policy: poll.policy, options: poll.options.length });
    this.announce(entry);
    return this.summary(entry);
  }

  /** Whether a poll was ever opened or has a vote or a rejection: then its definition is fixed. */
  asked(pollId: string): boolean {
    const { tally } = this.entry(pollId);
    return tally.poll.openedAt !== null || tally.poll.state === 'open' || tally.total > 0 || tally.rejected > 0 || this.ctx.store.rounds(pollId).length > 1;
  }

  /** Changes a never-asked poll's question, options and policy (editing a lesson before it runs). */
  redefine(pollId: string, input: Omit<NewPoll, 'id'>): PollSummary {
    const entry = this.entry(pollId);
    const poll = definePoll(entry.tally.poll, input);
    if (sameDefinition(entry.tally.poll, poll)) return this.summary(entry);
    if (this.asked(pollId)) throw new PollAskedError(pollId);
    const tally = createTally(poll, entry.seen);
    tally.seq = entry.tally.seq + 1;
    entry.tally = tally;
    this.ctx.store.redefinePoll(poll);
    this.ctx.logger.info('poll redefined', { poll: pollId, options: poll.options.length });
    this.announce(entry);
    return this.summary(entry);
  }

  /**
   * Opens a poll; with `seconds`, the hub closes it by itself that many seconds
   * from now (hub time), and a vote that arrives after the deadline is rejected
   * as closed even if the timer has not run yet.
   */
  open(pollId: string, options: { seconds?: number } = {}): PollSummary {
    const { seconds } = options;
    if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_COUNTDOWN_SECONDS)) {
      throw new InvalidPollError(`a countdown is 1 to ${MAX_COUNTDOWN_SECONDS} whole seconds`);
    }
    const entry = this.entry(pollId);
    if (entry.tally.poll.state === 'open' && seconds === undefined) return this.summary(entry);
    // One reading of the clock: the deadline is exactly openedAt + seconds.
    const now = this.ctx.clock.now();
    return this.setState(pollId, 'open', seconds === undefined ? undefined : now + seconds * 1000, now);
  }

  close(pollId: string): PollSummary {
    return this.setState(pollId, 'closed');
  }

  /** Closes every open poll whose deadline has come (before a vote is taken, the timer may be late). */
  closeDue(): void {
    const now = this.ctx.clock.now();
    for (const pollId of this.countdowns.pollIds()) {
      const deadline = this.ctx.book.get(pollId)?.tally.poll.deadline;
      if (deadline === undefined || deadline <= now) this.close(pollId);
    }
  }

  /** After loading from the database: the countdowns of open polls run again (or close at once when past). */
  armCountdowns(): void {
    for (const entry of this.ctx.book.list()) {
      const { id, state, deadline } = entry.tally.poll;
      if (state === 'open' && deadline !== undefined) this.countdowns.arm(id, deadline);
    }
    this.closeDue();
  }

  /** Stops the countdown timers (shutdown); the deadlines stay stored. */
  stop(): void {
    this.countdowns.stop();
  }

  /** Hides the results (`hidden`) or shows them live again: the retained tally follows at once. */
  setHidden(pollId: string, hidden: boolean): PollSummary {
    const entry = this.entry(pollId);
    if ((entry.tally.poll.hidden === true) === hidden) return this.summary(entry);
    this.ctx.log.flush();
    const { hidden: _was, ...rest } = entry.tally.poll;
    const poll: Poll = hidden ? { ...rest, hidden: true } : rest;
    updatePoll(entry.tally, poll);
    this.ctx.store.savePollState(poll, entry.tally.seq, this.ctx.clock.now());
    this.ctx.logger.info(hidden ? 'poll results hidden' : 'poll results shown', { poll: pollId });
    this.announce(entry);
    return this.summary(entry);
  }

  /** Sets (or with null removes) the correct answer; a revealed poll shows the new one at once. */
  setAnswer(pollId: string, answer: string | null): PollSummary {
    const entry = this.entry(pollId);
    if (answer !== null) checkAnswer(entry.tally.poll, answer);
    if (entry.answer === answer) return this.summary(entry);
    entry.answer = answer;
    const revealed = entry.tally.poll.correct !== undefined;
    this.ctx.store.saveAnswer(pollId, answer, revealed && answer !== null);
    this.ctx.logger.info(answer === null ? 'correct answer removed' : 'correct answer set', { poll: pollId });
    if (revealed) this.publishAnswer(entry, answer !== null);
    return this.summary(entry);
  }

  /**
   * Reveals the correct answer (`correct`, or the one set before): an open poll is
   * closed first, so nobody votes knowing it; the retained poll then carries
   * `correct`. Opening or resetting the poll hides it again.
   */
  reveal(pollId: string, correct?: string): PollSummary {
    if (correct !== undefined) this.setAnswer(pollId, correct);
    const entry = this.entry(pollId);
    if (entry.answer === null) {
      throw new InvalidPollError(`poll ${pollId} has no correct answer to reveal: give one (reveal ${pollId} --correct <option>, or ?correct=<option>)`);
    }
    if (entry.tally.poll.state === 'open') this.close(pollId);
    if (entry.tally.poll.correct === entry.answer) return this.summary(entry);
    this.ctx.store.saveAnswer(pollId, entry.answer, true);
    this.ctx.logger.info('correct answer revealed', { poll: pollId });
    this.publishAnswer(entry, true);
    return this.summary(entry);
  }

  /** Archives the current round's votes and starts the poll again from zero. */
  reset(pollId: string): PollSummary {
    const entry = this.entry(pollId);
    this.ctx.log.flush();
    // A new round is the question asked again: its answer is not revealed.
    if (entry.tally.poll.correct !== undefined) this.publishAnswer(entry, false, false);
    const seq = entry.tally.seq + 1;
    const round = this.ctx.store.startRound(pollId, this.ctx.clock.now(), seq);
    // The ids seen in older rounds stay seen: a late redelivery of an archived vote
    // is a duplicate, not a vote for the new round.
    const tally = createTally(entry.tally.poll, entry.seen, entry.refused);
    tally.seq = seq;
    entry.tally = tally;
    entry.round = round;
    this.ctx.logger.info('poll reset: the previous round is archived', { poll: pollId, round });
    this.announce(entry);
    return this.summary(entry);
  }

  /** Publishes every poll definition and snapshot (after each connect to the broker). */
  publishAll(): void {
    for (const entry of this.ctx.book.list()) this.announce(entry);
  }

  private setState(pollId: string, state: Poll['state'], deadline?: number, at?: number): PollSummary {
    const entry = this.entry(pollId);
    if (entry.tally.poll.state === state && deadline === undefined) return this.summary(entry);
    // Votes already accepted while the poll was open are committed first.
    this.ctx.log.flush();
    const now = at ?? this.ctx.clock.now();
    this.countdowns.disarm(pollId);
    // Opening again hides a revealed answer: a vote must not be cast knowing it.
    const { deadline: _previous, correct: revealed, ...kept } = entry.tally.poll;
    const rest = state === 'open' || revealed === undefined ? kept : { ...kept, correct: revealed };
    if (state === 'open' && revealed !== undefined) this.ctx.store.saveAnswer(pollId, entry.answer, false);
    const poll: Poll = {
      ...rest,
      state,
      openedAt: state === 'open' ? now : entry.tally.poll.openedAt,
      ...(deadline === undefined ? {} : { deadline }),
    };
    if (deadline !== undefined) this.countdowns.arm(pollId, deadline);
    updatePoll(entry.tally, poll);
    this.ctx.store.savePollState(poll, entry.tally.seq, now);
    this.ctx.book.noteState(pollId, state, now);
    this.ctx.logger.info(state === 'open' ? 'poll opened' : 'poll closed', { poll: pollId });
    this.announce(entry);
    for (const listener of this.stateListeners) {
      try {
        listener(pollId, state);
      } catch (error) {
        this.ctx.logger.error('after a poll change', { poll: pollId, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return this.summary(entry);
  }

  /** Puts the answer in the published poll (or takes it out), stores the poll, and announces it unless told not to. */
  private publishAnswer(entry: PollEntry, shown: boolean, announce = true): void {
    const { correct: _was, ...rest } = entry.tally.poll;
    const poll: Poll = shown && entry.answer !== null ? { ...rest, correct: entry.answer } : rest;
    updatePoll(entry.tally, poll);
    this.ctx.store.saveAnswer(poll.id, entry.answer, poll.correct !== undefined);
    this.ctx.store.savePollState(poll, entry.tally.seq, this.ctx.clock.now());
    if (announce) this.announce(entry);
  }

  private announce(entry: PollEntry): void {
    const poll = entry.tally.poll;
    this.ctx.link.publish(this.ctx.topics.poll(poll.id), encodePoll(poll), { qos: 1, retain: true });
    this.ctx.tallies.publishNow(poll.id);
  }

  private entry(pollId: string): PollEntry {
    const entry = this.ctx.book.get(pollId);
    if (entry === undefined) throw new PollNotFoundError(pollId);
    return entry;
  }

  private summary(entry: PollEntry): PollSummary {
    return { poll: entry.tally.poll, answer: entry.answer, round: entry.round, createdAt: entry.createdAt, tally: snapshotOf(entry.tally, this.ctx.clock.now()) };
  }

  private freshId(): string {
    for (;;) {
      const id = `poll-${randomBytes(3).toString('hex')}`;
      if (this.ctx.book.get(id) === undefined) return id;
    }
  }
}
