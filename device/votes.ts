import { randomUUID } from 'node:crypto';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { encodePress, encodeVote } from '../shared/codecs/vote.js';
import { OPEN_POLL_ID } from '../shared/poll.js';
import type { OutboxMachine } from '../shared/outbox/machine.js';
import type { Topics } from '../shared/topics.js';
import type { VoteAction } from './config.js';
import type { NewEntry } from './outbox/sqlite-store.js';
import type { TargetPoll } from './poll-tracker.js';

export type VoteOutcome = 'queued' | 'no-such-option' | 'outbox-full' | 'not-stored';

export interface VoteMakerContext {
  /** The device's voter secret (device/voter-secret.ts), never its public device id. */
  readonly voter: string;
  /** The agent's MQTT client id: where the server sends the receipts (the vote's `reply`). */
  readonly reply: string;
  readonly topics: Topics;
  readonly outbox: Pick<OutboxMachine<NewEntry>, 'add' | 'whenStored'>;
  /** `known()`: the poll the device can resolve a press to itself (PollTracker.known); null: the hub resolves it. */
  readonly polls: { known(): TargetPoll | null };
  /** The config's fixed poll; null: the press is for the poll open when it was made. */
  readonly fixedPollId: string | null;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called after a vote was stored, so the sender sends it now. */
  readonly onQueued: () => void;
  /** The quiz team its votes carry (config `team`); null or absent for none. */
  readonly team?: string | null;
  /** Default crypto.randomUUID: unique without coordination, and a valid id. */
  readonly newId?: () => string;
}

/** Turns a button action into a vote in the outbox (SPEC §4 JSON, QoS 1 on send). */
export class VoteMaker {
  private unknownSaid = false;

  constructor(private readonly options: VoteMakerContext) {}

  vote(button: string, action: VoteAction, source: 'button' | 'keyboard' | 'simulation'): VoteOutcome {
    const { topics, voter, reply, clock, logger } = this.options;
    const poll = this.options.polls.known();
    const id = (this.options.newId ?? randomUUID)();
    const ts = clock.now();
    const team = this.options.team === undefined || this.options.team === null ? {} : { team: this.options.team };
    if (poll === null) {
      // SPEC §5: a press is never lost for want of knowledge. Stored as it is (the
      // option's position, or its id) for the fixed poll or for "the poll open when
      // it was pressed"; the hub resolves both and its receipt says what it became.
      const pollId = this.options.fixedPollId ?? OPEN_POLL_ID;
      const choice = typeof action.vote === 'number' ? `#${action.vote}` : action.vote;
      if (!this.unknownSaid) {
        this.unknownSaid = true;
        logger.info(`the open poll is not known yet (broker unreachable, or its retained poll not arrived): presses are stored and the hub counts each for the poll${this.options.fixedPollId === null ? ' open when it was pressed' : ` ${pollId}`}`);
      }
      const payload =
        typeof action.vote === 'number'
          ? encodePress({ id, position: action.vote, voter, source, ts, reply, ...team })
          : encodeVote({ id, option: action.vote, voter, source, ts, reply, ...team });
      return this.store(button, { id, topic: topics.votes(pollId), payload, button, createdAt: ts }, `${choice} on poll ${pollId}`);
    }
    this.unknownSaid = false;
    const option = this.option(poll, action);
    if (option === null) {
      logger.warn(`button ${button}: option ${String(action.vote)} does not exist in poll ${poll.id} (it has ${poll.options?.length ?? 0} options); the press is not a vote`);
      return 'no-such-option';
    }
    const payload = encodeVote({ id, option, voter, source, ts, reply, ...team });
    return this.store(button, { id, topic: topics.votes(poll.id), payload, button, createdAt: ts }, `${option} on poll ${poll.id}`);
  }

  private store(button: string, entry: NewEntry, what: string): VoteOutcome {
    const { logger, outbox } = this.options;
    let stored: boolean;
    try {
      stored = outbox.add(entry);
    } catch (error) {
      // A full disk or a broken file: say it loudly, but keep the agent (and its
      // other buttons, its bread probe) running.
      logger.error(`button ${button}: the vote could not be stored, so it is not sent: ${error instanceof Error ? error.message : String(error)}`);
      return 'not-stored';
    }
    if (!stored) return 'outbox-full';
    // Logged once the vote is on disk (group commit, end of this turn): a line in
    // the log means the vote survives a power cut from then on.
    outbox.whenStored(() => logger.info(`button ${button} → vote ${what}`, { id: entry.id }));
    this.options.onQueued();
    return 'queued';
  }

  /** A position counts in the poll's option list; an id is sent as is (the server checks it). */
  private option(poll: TargetPoll, action: VoteAction): string | null {
    if (typeof action.vote === 'string') return action.vote;
    return poll.options?.[action.vote - 1]?.id ?? null;
  }
}
