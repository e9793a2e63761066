import { type Scheduler, type TimerHandle, every } from '../scheduler.js';
import type { OutboxMachine } from './machine.js';
import type { OutboxItem } from './store.js';

export interface OutboxPumpOptions<E extends OutboxItem> {
  readonly outbox: OutboxMachine<E>;
  readonly scheduler: Scheduler;
  /** Publishes one vote; false when it cannot now (offline): the pump stops there. */
  readonly send: (entry: E, attempt: number) => boolean;
  /** Whether sending can be tried at all (the link is up); default: always. */
  readonly online?: () => boolean;
  /** How often due re-sends are looked for; default: half the resend timeout, within 50 ms – 1 s. */
  readonly checkEveryMs?: number;
}

/** Half the resend timeout, so a re-send is at most half a timeout late; never busier than 20 a second, never slower than 1 s. */
export function checkInterval(resendAfterMs: number): number {
  return Math.max(50, Math.min(1_000, Math.floor(resendAfterMs / 2)));
}

/**
 * Drives an outbox on a scheduler: sends what is due on a steady tick (re-sends)
 * and on `kick()` (a new vote, a receipt, a connect), at most once per turn
 * however many kicks that turn had.
 */
export class OutboxPump<E extends OutboxItem> {
  private stopTicks: (() => void) | null = null;
  private pending: TimerHandle | null = null;

  private readonly checkEveryMs: number;

  constructor(private readonly options: OutboxPumpOptions<E>) {
    this.checkEveryMs = options.checkEveryMs ?? checkInterval(options.outbox.resendAfterMs);
  }

  get running(): boolean {
    return this.stopTicks !== null;
  }

  start(): void {
    if (this.stopTicks !== null) return;
    this.stopTicks = every(this.options.scheduler, this.checkEveryMs, () => this.pump());
    this.pump();
  }

  stop(): void {
    this.stopTicks?.();
    this.stopTicks = null;
    this.options.scheduler.clearTimer(this.pending);
    this.pending = null;
  }

  /** Something changed: send what can be sent, once, after this turn. */
  kick(): void {
    if (this.pending !== null || this.stopTicks === null) return;
    this.pending = this.options.scheduler.nextTurn(() => {
      this.pending = null;
      this.pump();
    });
  }

  /** Sends what is due now. */
  pump(): { sent: number; resent: number } {
    const { outbox, online, send } = this.options;
    if (online !== undefined && !online()) return { sent: 0, resent: 0 };
    return outbox.sendDue(send);
  }
}
