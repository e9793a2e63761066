import type { Component } from '../runtime/lifecycle.js';
import type { Logger } from '../runtime/logger.js';
import { decodePoll, encodePoll } from '../shared/codecs/poll.js';
import { currentPoll, latestOpened } from '../shared/current-poll.js';
import type { Poll } from '../shared/poll.js';
import { type Topics, parseTopic } from '../shared/topics.js';
import type { MqttLink } from './publisher.js';

/** The poll a press votes on; `options` null when it was never seen (fixed poll id, broker unreachable). */
export interface TargetPoll {
  readonly id: string;
  readonly options: Poll['options'] | null;
}

export interface PollTrackerContext {
  readonly link: Pick<MqttLink, 'subscribe' | 'connected' | 'onConnect'>;
  readonly topics: Topics;
  /** From the config: always vote on this poll. null: follow the open poll. */
  readonly fixedPollId: string | null;
  readonly logger: Logger;
  /** Keeps the last target across restarts (the outbox's state table). */
  readonly memory?: { getState(key: string): string | null; setState(key: string, value: string): void };
  /** After each poll message: the agent shows a revealed answer on the LEDs (device/reveal-leds.ts). */
  readonly onPollChange?: () => void;
}

const MEMORY_KEY = 'target-poll';

/**
 * Knows which poll the buttons vote on, from the retained poll messages. Following
 * the open poll is what a teacher expects: open the next question and the boxes
 * vote on it. The last target is remembered on disk, so a device rebooted while the
 * broker is unreachable still records presses for the poll that was open.
 */
export class PollTracker implements Component {
  readonly name = 'poll tracker';
  private readonly polls = new Map<string, Poll>();
  private announced: string | null = null;
  /** Polls whose retained message arrived since the last connect: what the device knows now, not from memory. */
  private readonly confirmed = new Set<string>();

  constructor(private readonly options: PollTrackerContext) {}

  start(): void {
    const remembered = this.options.memory?.getState(MEMORY_KEY) ?? null;
    if (remembered !== null) {
      const decoded = decodePoll(remembered);
      if (decoded.ok) this.polls.set(decoded.value.id, decoded.value);
    }
    this.announced = this.current()?.id ?? null;
    this.options.link.subscribe(this.options.topics.allPolls, 1, (topic, payload) => this.onPoll(topic, payload));
    // Each connect subscribes again, and the broker sends the retained polls again.
    this.options.link.onConnect(() => this.confirmed.clear());
  }

  stop(): void {}

  current(): TargetPoll | null {
    const fixed = this.options.fixedPollId;
    const poll = currentPoll(this.polls.values(), fixed);
    // A fixed poll is voted on even before (or without) its definition arriving.
    if (fixed !== null) return { id: fixed, options: poll?.options ?? null };
    return poll === null ? null : { id: poll.id, options: poll.options };
  }

  /**
   * The poll whose revealed answer the box shows: the fixed poll, else the open one,
   * else (a reveal closes the poll) the last one opened — the vote page's rule.
   */
  shown(): Poll | null {
    const fixed = this.options.fixedPollId;
    if (fixed !== null) return this.polls.get(fixed) ?? null;
    return currentPoll(this.polls.values()) ?? latestOpened(this.polls.values());
  }

  /**
   * The poll a press is resolved to on the device: the fixed poll once its options
   * are known, or the open poll as the broker told it since the last connect. null
   * when the device does not know (never connected, offline, the retained polls
   * not arrived yet, no poll open): the press then goes to the hub, which knows
   * which poll was open when it was made (VoteMaker, docs/protocol.md).
   */
  known(): TargetPoll | null {
    const target = this.current();
    if (target === null || target.options === null) return null;
    if (this.options.fixedPollId !== null) return target;
    return this.options.link.connected && this.confirmed.has(target.id) ? target : null;
  }

  private onPoll(topic: string, payload: Buffer): void {
    const parsed = parseTopic(this.options.topics, topic);
    if (parsed?.kind !== 'poll') return;
    this.confirmed.add(parsed.pollId);
    if (payload.length === 0) {
      this.polls.delete(parsed.pollId);
    } else {
      const decoded = decodePoll(payload);
      if (!decoded.ok) {
        this.options.logger.warn(`ignoring a malformed poll on ${topic}: ${decoded.detail}`);
        return;
      }
      this.polls.set(decoded.value.id, decoded.value);
    }
    this.changed();
    this.options.onPollChange?.();
  }

  private changed(): void {
    const target = this.current();
    const poll = target === null ? undefined : this.polls.get(target.id);
    if (poll !== undefined) this.options.memory?.setState(MEMORY_KEY, encodePoll(poll));
    const id = target?.id ?? null;
    if (id === this.announced) return;
    this.announced = id;
    if (id === null) this.options.logger.info('no poll is open: presses are not votes until one opens');
    else this.options.logger.info(`buttons now vote on poll ${id}`, { options: target?.options?.map((o) => o.id).join(' ') ?? 'unknown' });
  }
}
