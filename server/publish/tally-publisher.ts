import { type TallySnapshot, encodeTally } from '../../shared/codecs/tally.js';
import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';
import type { Topics } from '../../shared/topics.js';
import type { MqttLink } from '../mqtt/mqtt-link.js';

export interface TallyPublisherContext {
  topics: Topics;
  link: MqttLink;
  /** The coalescing timers run on it. */
  scheduler: Scheduler;
  /** At most one snapshot per poll per this many milliseconds (TALLY_INTERVAL_MS). */
  intervalMs: number;
  /** The current snapshot of a poll, null when it is gone. */
  snapshot: (pollId: string) => TallySnapshot | null;
  /** Commits queued votes, so a snapshot never shows a vote that is not stored yet. */
  commit: () => void;
}

/**
 * Retained tally snapshots, coalesced: a burst of ten thousand votes becomes one
 * snapshot per interval per poll, so the kiosk is not flooded, and the last one
 * always carries the final counts; a change after a quiet interval goes out at once.
 */
export class TallyPublisher {
  private readonly timers = new Map<string, TimerHandle>();
  private readonly lastAt = new Map<string, number>();
  private readonly lastSeq = new Map<string, number>();

  constructor(private readonly ctx: TallyPublisherContext) {}

  /**
   * The poll's tally changed. Leading edge: when no snapshot of it went out within the
   * interval, publish now, in this turn (SPEC §5: shown at once, not at the end of a
   * window; a timer, even of 0 ms, would add a turn of the event loop). Otherwise one
   * trailing snapshot at the end of the interval carries every change made meanwhile.
   */
  changed(pollId: string): void {
    if (this.timers.has(pollId)) return;
    const last = this.lastAt.get(pollId);
    const wait = last === undefined ? 0 : last + this.ctx.intervalMs - this.ctx.scheduler.now();
    if (wait <= 0) {
      this.publish(pollId, false);
      return;
    }
    const timer = this.ctx.scheduler.setTimer(() => {
      this.timers.delete(pollId);
      this.publish(pollId, false);
    }, wait);
    this.timers.set(pollId, timer);
  }

  /** Publishes a poll's snapshot at once, even if unchanged (after a reconnect). */
  publishNow(pollId: string): void {
    const timer = this.timers.get(pollId);
    this.ctx.scheduler.clearTimer(timer);
    this.timers.delete(pollId);
    this.publish(pollId, true);
  }

  /** Publishes every pending snapshot now and cancels the timers (shutdown). */
  flush(): void {
    for (const pollId of [...this.timers.keys()]) {
      this.ctx.scheduler.clearTimer(this.timers.get(pollId));
      this.timers.delete(pollId);
      this.publish(pollId, false);
    }
  }

  stop(): void {
    for (const timer of this.timers.values()) this.ctx.scheduler.clearTimer(timer);
    this.timers.clear();
  }

  private publish(pollId: string, force: boolean): void {
    this.ctx.commit();
    // The commit may have announced changes of this poll: the snapshot below has them.
    const scheduled = this.timers.get(pollId);
    this.ctx.scheduler.clearTimer(scheduled);
    this.timers.delete(pollId);
    const snapshot = this.ctx.snapshot(pollId);
    if (snapshot === null) return;
    if (!force && this.lastSeq.get(pollId) === snapshot.seq) return;
    this.lastSeq.set(pollId, snapshot.seq);
    this.lastAt.set(pollId, this.ctx.scheduler.now());
    this.ctx.link.publish(this.ctx.topics.tally(pollId), encodeTally(snapshot), { qos: 1, retain: true });
  }
}
