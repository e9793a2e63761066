import type { Clock } from '../../runtime/clock.js';
import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';

/**
 * The timers of the open polls that have a countdown: one per poll, each calling
 * `due(pollId)` at its deadline (hub time). The deadlines themselves live in the
 * polls (and the database); this only keeps the timers, so a restart arms them again.
 */
export class Countdowns {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    private readonly due: (pollId: string) => void,
  ) {}

  /** The polls with a countdown running. */
  pollIds(): string[] {
    return [...this.timers.keys()];
  }

  /** Runs `due(pollId)` at `deadline`, replacing that poll's earlier countdown (at once when past). */
  arm(pollId: string, deadline: number): void {
    this.disarm(pollId);
    const timer = this.scheduler.setTimer(() => {
      this.timers.delete(pollId);
      this.due(pollId);
    }, Math.max(0, deadline - this.clock.now()));
    this.timers.set(pollId, timer);
  }

  disarm(pollId: string): void {
    this.scheduler.clearTimer(this.timers.get(pollId));
    this.timers.delete(pollId);
  }

  /** Stops every timer (shutdown); the deadlines stay stored. */
  stop(): void {
    for (const timer of this.timers.values()) this.scheduler.clearTimer(timer);
    this.timers.clear();
  }
}
