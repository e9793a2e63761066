import { randomUUID } from 'node:crypto';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { encodeVote } from '../shared/codecs/vote.js';
import type { OutboxMachine } from '../shared/outbox/machine.js';
import type { Topics } from '../shared/topics.js';
import type { VoteAction } from './config.js';
import type { NewEntry } from './outbox/sqlite-store.js';
import type { TargetPoll } from './poll-tracker.js';

export type VoteOutcome = 'queued' | 'no-poll' | 'no-such-option' | 'outbox-full' | 'not-stored';

export interface VoteMakerContext {
  /** The device's voter secret (device/voter-secret.ts), never its public device id. */
  readonly voter: string;
  /** The agent's MQTT client id: where the server sends the receipts (the vote's `reply`). */
  readonly reply: string;
  readonly topics: Topics;
  readonly outbox: Pick<OutboxMachine<NewEntry>, 'add' | 'whenStored'>;
  readonly polls: { current(): TargetPoll | null };
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called after a vote was stored, so the sender sends it now. */
  readonly onQueued: () => void;
  /** Default crypto.randomUUID: unique without coordination, and a valid id. */
  readonly newId?: () => string;
}

/** Turns a button action into a vote in the outbox (SPEC §4 JSON, QoS 1 on send). */
export class VoteMaker {
  constructor(private readonly options: VoteMakerContext) {}

  vote(button: string, action: VoteAction, source: 'button' | 'keyboard' | 'simulation'): VoteOutcome {
    const { topics, voter, reply, clock, logger, outbox } = this.options;
    const poll = this.options.polls.current();
    if (poll === null) {
      logger.warn(`button ${button}: no poll is open, the press is not a vote (open one with \`mqtt-classroom poll open <id>\`)`);
      return 'no-poll';
    }
    const option = this.option(poll, action);
    if (option === null) {
      const known = poll.options === null ? 'its options are not known yet' : `it has ${poll.options.length} options`;
      logger.warn(`button ${button}: option ${String(action.vote)} does not exist in poll ${poll.id} (${known}); the press is not a vote`);
      return 'no-such-option';
    }
    const id = (this.options.newId ?? randomUUID)();
    const payload = encodeVote({ id, option, voter, source, ts: clock.now(), reply });
    let stored: boolean;
    try {
      stored = outbox.add({ id, topic: topics.votes(poll.id), payload, button, createdAt: clock.now() });
    } catch (error) {
      // A full disk or a broken file: say it loudly, but keep the agent (and its
      // other buttons, its bread probe) running.
      logger.error(`button ${button}: the vote could not be stored, so it is not sent: ${error instanceof Error ? error.message : String(error)}`);
      return 'not-stored';
    }
    if (!stored) return 'outbox-full';
    // Logged once the vote is on disk (group commit, end of this turn): a line in
    // the log means the vote survives a power cut from then on.
    outbox.whenStored(() => logger.info(`button ${button} → vote ${option} on poll ${poll.id}`, { id }));
    this.options.onQueued();
    return 'queued';
  }

  /** A position counts in the poll's option list; an id is sent as is (the server checks it). */
  private option(poll: TargetPoll, action: VoteAction): string | null {
    if (typeof action.vote === 'string') return action.vote;
    return poll.options?.[action.vote - 1]?.id ?? null;
  }
}
