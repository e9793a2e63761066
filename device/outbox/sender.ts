import type { Component } from '../../runtime/lifecycle.js';
import type { Logger } from '../../runtime/logger.js';
import type { Receipt } from '../../shared/codecs/receipt.js';
import { stampSentAt } from '../../shared/codecs/vote.js';
import { type OutboxNotice, OutboxMachine } from '../../shared/outbox/machine.js';
import { OutboxPump } from '../../shared/outbox/pump.js';
import type { OutboxStore } from '../../shared/outbox/store.js';
import type { Scheduler } from '../../shared/scheduler.js';
import type { MqttLink } from '../publisher.js';
import type { NewEntry } from './sqlite-store.js';

export interface VoteSenderOptions {
  /** Where the votes are kept (the SQLite store on a device). */
  readonly store: OutboxStore<NewEntry>;
  readonly link: Pick<MqttLink, 'connected' | 'publish'>;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** More votes than this waiting for receipts: new presses are refused. */
  readonly maxEntries: number;
  /** A vote without a receipt this long after it was sent is sent again (same id). */
  readonly receiptTimeoutMs: number;
  /** At most this many votes sent and waiting for their receipt. */
  readonly maxInFlight: number;
  /** A receipt removed this entry from the outbox (LED feedback). */
  readonly onReceipt?: (entry: NewEntry, receipt: Receipt) => void;
}

/**
 * The device's end of the shared outbox (shared/outbox/): MQTT publishes and
 * receipts in and out, the machine decides what is due, the pump sends it on the
 * scheduler. What is left here is the device's wording of what happens.
 */
export class VoteSender implements Component {
  readonly name = 'vote sender';
  /** Where VoteMaker adds the presses. */
  readonly outbox: OutboxMachine<NewEntry>;
  private readonly pump: OutboxPump<NewEntry>;

  constructor(private readonly options: VoteSenderOptions) {
    const { store, link, scheduler, logger } = options;
    this.outbox = new OutboxMachine({
      store,
      clock: scheduler,
      resendAfterMs: options.receiptTimeoutMs,
      maxInFlight: options.maxInFlight,
      maxEntries: options.maxEntries,
      onNotice: (notice) => logNotice(logger, notice),
    });
    this.pump = new OutboxPump({
      outbox: this.outbox,
      scheduler,
      online: () => link.connected,
      // Each copy carries the device's clock at this send: with the press's own ts the
      // hub learns how long it was kept, without trusting the clock (shared/press-time.ts).
      send: (entry) => link.publish(entry.topic, stampSentAt(entry.payload, scheduler.now()), { qos: 1, retain: false }),
    });
  }

  start(): void {
    this.pump.start();
  }

  stop(): void {
    this.pump.stop();
  }

  /** Something changed (a new vote, a receipt): send what can be sent, once per turn. */
  kick(): void {
    this.pump.kick();
  }

  /** After a CONNACK; without a session the broker may have lost what it acknowledged. */
  connected(sessionPresent: boolean): void {
    if (!sessionPresent) this.outbox.reset();
    this.kick();
  }

  receipt(receipt: Receipt): void {
    const { logger, onReceipt } = this.options;
    const entry = this.outbox.settle(receipt.id);
    if (entry === null) {
      logger.debug('receipt for a vote no longer in the outbox', { id: receipt.id, status: receipt.status });
      return;
    }
    if (receipt.status === 'rejected') {
      logger.warn(`vote ${receipt.id} rejected by the server: ${receipt.reason ?? 'no reason given'}`, { poll: receipt.poll });
    } else {
      logger.debug(`vote ${receipt.id} ${receipt.status}`, { poll: receipt.poll });
    }
    onReceipt?.(entry, receipt);
    this.kick();
  }
}

function logNotice(logger: Logger, notice: OutboxNotice): void {
  switch (notice.kind) {
    case 'full':
      logger.warn(
        `outbox FULL: ${notice.size} votes are waiting for the server's receipts, new presses are NOT recorded. ` +
          'Check that the broker (MQTT_URL) and the tally server are running and reachable.',
      );
      return;
    case 'nearly-full':
      logger.warn(`outbox is 80% full (${notice.size} of ${notice.capacity} votes without a receipt): is the tally server running?`);
      return;
    case 'room-again':
      logger.info(`outbox has room again (${notice.refused} press${notice.refused === 1 ? ' was' : 'es were'} not recorded while it was full)`);
      return;
    case 'resending':
      logger.warn(
        `${notice.count} vote${notice.count === 1 ? '' : 's'} got no receipt within ${notice.afterMs} ms: sending again with the same id ` +
          '(the server counts each once). Is the tally server running?',
      );
      return;
    case 'receipts-again':
      logger.info('receipts are arriving again');
      return;
    case 'expired':
      logger.warn(`${notice.ids.length} vote${notice.ids.length === 1 ? '' : 's'} dropped without a receipt: too old`);
  }
}
