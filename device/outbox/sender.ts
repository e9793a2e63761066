import type { Clock } from '../../runtime/clock.js';
import type { Component } from '../../runtime/lifecycle.js';
import type { Logger } from '../../runtime/logger.js';
import type { Receipt } from '../../shared/codecs/receipt.js';
import type { MqttLink } from '../publisher.js';
import type { Outbox, OutboxEntry } from './outbox.js';

export interface VoteSenderOptions {
  readonly outbox: Outbox;
  readonly link: Pick<MqttLink, 'connected' | 'publish'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A vote without a receipt this long after it was sent is sent again (same id). */
  readonly receiptTimeoutMs: number;
  /** At most this many votes sent and waiting for their receipt. */
  readonly maxInFlight: number;
  /** A receipt removed this entry from the outbox (LED feedback). */
  readonly onReceipt?: (entry: OutboxEntry, receipt: Receipt) => void;
}

/**
 * Sends the outbox, oldest first, and forgets a vote only on the server's receipt.
 *
 * A PUBACK only says the broker took the message; a broker that crashes before
 * saving it, or drops it from a full queue, still acknowledged it. So we keep
 * every vote until its receipt and send it again (same id: the server counts it
 * once) after `receiptTimeoutMs`, or at once after a reconnect to a broker that
 * lost our session. At most `maxInFlight` votes wait at a time, so a long outbox
 * drains without overflowing the broker's queue for the server.
 */
export class VoteSender implements Component {
  readonly name = 'vote sender';
  private readonly sentAt = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Immediate | null = null;
  private resending = false;

  constructor(private readonly options: VoteSenderOptions) {}

  start(): void {
    const every = Math.max(50, Math.min(1_000, Math.floor(this.options.receiptTimeoutMs / 2)));
    this.timer = setInterval(() => this.pump(), every);
    this.pump();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    if (this.pending !== null) clearImmediate(this.pending);
    this.timer = null;
    this.pending = null;
  }

  /** Something changed (a new vote, a receipt): send what can be sent, once per tick. */
  kick(): void {
    if (this.pending !== null || this.timer === null) return;
    this.pending = setImmediate(() => {
      this.pending = null;
      this.pump();
    });
  }

  /** After a CONNACK; without a session the broker may have lost what it acknowledged. */
  connected(sessionPresent: boolean): void {
    if (!sessionPresent) this.sentAt.clear();
    this.kick();
  }

  receipt(receipt: Receipt): void {
    const entry = this.options.outbox.remove(receipt.id);
    this.sentAt.delete(receipt.id);
    if (entry === null) {
      this.options.logger.debug('receipt for a vote no longer in the outbox', { id: receipt.id, status: receipt.status });
      return;
    }
    if (receipt.status === 'rejected') {
      this.options.logger.warn(`vote ${receipt.id} rejected by the server: ${receipt.reason ?? 'no reason given'}`, { poll: receipt.poll });
    } else {
      this.options.logger.debug(`vote ${receipt.id} ${receipt.status}`, { poll: receipt.poll });
    }
    if (this.resending) {
      this.resending = false;
      this.options.logger.info('receipts are arriving again');
    }
    this.options.onReceipt?.(entry, receipt);
    this.kick();
  }

  private pump(): void {
    const { outbox, link, clock, receiptTimeoutMs, maxInFlight, logger } = this.options;
    if (!link.connected || outbox.size === 0) return;
    const now = clock.now();
    let resent = 0;
    for (const entry of outbox.head(maxInFlight)) {
      const last = this.sentAt.get(entry.id);
      if (last !== undefined && now - last < receiptTimeoutMs) continue;
      if (!link.publish(entry.topic, entry.payload, { qos: 1, retain: false })) return;
      if (last !== undefined) resent += 1;
      this.sentAt.set(entry.id, now);
    }
    if (resent > 0 && !this.resending) {
      this.resending = true;
      logger.warn(
        `${resent} vote${resent === 1 ? '' : 's'} got no receipt within ${receiptTimeoutMs} ms: sending again with the same id ` +
          '(the server counts each once). Is the tally server running?',
      );
    }
  }
}
