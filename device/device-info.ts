import type { Component } from '../runtime/lifecycle.js';
import { type DeviceInfo, encodeDeviceInfo } from '../shared/codecs/device-info.js';
import type { Scheduler, TimerHandle } from '../shared/scheduler.js';
import type { MqttLink } from './publisher.js';

export interface DeviceInfoPublisherContext {
  readonly link: Pick<MqttLink, 'publish' | 'onConnect'>;
  /** `<prefix>/devices/<id>/info`. */
  readonly topic: string;
  readonly scheduler: Scheduler;
  /** What does not change while the agent runs: version, inputs, sensors. */
  readonly fixed: Pick<DeviceInfo, 'version' | 'inputs' | 'sensors'>;
  /** Votes waiting for their receipt, read at each publish. */
  readonly outboxSize: () => number;
  /** At most one message per this many ms (default 1 s): a burst of presses is one update. */
  readonly minIntervalMs?: number;
}

/**
 * Publishes the retained device-info (shared/codecs/device-info.ts) after every
 * connect, then whenever the outbox or the last activity changes, throttled:
 * the first change goes out at once, the next ones at most once per interval,
 * always with the latest numbers (trailing edge), so the hub's room view ends
 * on the true outbox count.
 */
export class DeviceInfoPublisher implements Component {
  readonly name = 'device info';
  private lastActivity: number | null = null;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: TimerHandle | null = null;
  private running = false;
  private readonly minIntervalMs: number;

  constructor(private readonly ctx: DeviceInfoPublisherContext) {
    this.minIntervalMs = ctx.minIntervalMs ?? 1_000;
  }

  start(): void {
    this.running = true;
    this.lastActivity = this.ctx.scheduler.now();
    this.ctx.link.onConnect(() => this.publishNow());
  }

  stop(): void {
    this.running = false;
    this.ctx.scheduler.clearTimer(this.timer);
    this.timer = null;
  }

  /** A press (or anything the teacher would call activity) happened now. */
  activity(): void {
    this.lastActivity = this.ctx.scheduler.now();
    this.changed();
  }

  /** The outbox grew or shrank. */
  changed(): void {
    if (!this.running || this.timer !== null) return;
    const wait = this.lastSentAt + this.minIntervalMs - this.ctx.scheduler.now();
    // Even "at once" waits for the end of this turn: a press adds to the outbox in the same turn.
    this.timer = this.ctx.scheduler.setTimer(() => {
      this.timer = null;
      this.publishNow();
    }, Math.max(0, wait));
  }

  /** The message as it would be published now (for tests and the demo). */
  current(): DeviceInfo {
    return { ...this.ctx.fixed, outbox: this.ctx.outboxSize(), lastActivity: this.lastActivity, at: this.ctx.scheduler.now() };
  }

  private publishNow(): void {
    if (!this.running) return;
    if (this.ctx.link.publish(this.ctx.topic, encodeDeviceInfo(this.current()), { qos: 1, retain: true })) {
      this.lastSentAt = this.ctx.scheduler.now();
    }
  }
}
