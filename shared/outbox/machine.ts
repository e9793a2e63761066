import type { Clock } from '../scheduler.js';
import type { OutboxItem, OutboxStore } from './store.js';

/** What the outbox tells its owner, who words it (the device logs it; the page may ignore it). */
export type OutboxNotice =
  /** The first vote refused because the outbox is full (one notice until there is room again). */
  | { readonly kind: 'full'; readonly size: number }
  /** 80% of the capacity is used (once, until it falls under half). */
  | { readonly kind: 'nearly-full'; readonly size: number; readonly capacity: number }
  /** A receipt made room after `refused` votes were refused. */
  | { readonly kind: 'room-again'; readonly refused: number }
  /** `count` votes sent again for want of a receipt (once, until a receipt arrives). */
  | { readonly kind: 'resending'; readonly count: number; readonly afterMs: number }
  /** A receipt arrived after votes had been sent again. */
  | { readonly kind: 'receipts-again' }
  /** Votes older than the maximum age, dropped without a receipt. */
  | { readonly kind: 'expired'; readonly ids: readonly string[] };

export interface OutboxRules {
  /** A vote without a receipt this long after it was sent is due again (same id). */
  readonly resendAfterMs: number;
  /** At most this many of the oldest votes are in flight; default: no cap. */
  readonly maxInFlight?: number;
  /** More votes than this are refused; default: no limit. */
  readonly maxEntries?: number;
  /** `expire()` drops votes older than this; default: never. */
  readonly maxAgeMs?: number;
}

export interface OutboxMachineOptions<E extends OutboxItem> extends OutboxRules {
  readonly store: OutboxStore<E>;
  readonly clock: Clock;
  readonly onNotice?: (notice: OutboxNotice) => void;
}

interface Sent {
  at: number | null;
  sends: number;
}

/**
 * The voter's outbox (SPEC §4, §5), the same on the device and in the vote page.
 * A vote stays until the server's receipt for its id: a PUBACK only says the broker
 * took it, and a broker that crashes or drops a full queue had acknowledged it too.
 * A vote is due when it was never sent, or sent `resendAfterMs` ago with no receipt;
 * the server counts an id once, so sending again is always safe. Only the
 * `maxInFlight` oldest are in flight, so a long outbox drains without flooding the
 * broker's queue for the server.
 *
 * When each vote was sent is kept here, in memory: after a restart every vote is
 * due again, which is also what a broker without our session needs (`reset()`).
 * No I/O and no clock of its own: the store and the clock are handed in.
 */
export class OutboxMachine<E extends OutboxItem> {
  private readonly sent = new Map<string, Sent>();
  private refused = 0;
  private warnedNearlyFull = false;
  private resending = false;

  constructor(private readonly options: OutboxMachineOptions<E>) {}

  get size(): number {
    return this.options.store.size;
  }

  get resendAfterMs(): number {
    return this.options.resendAfterMs;
  }

  get capacity(): number {
    return this.options.maxEntries ?? Number.POSITIVE_INFINITY;
  }

  /** Keeps a vote until its receipt; false when the outbox is full. A store error is thrown as is. */
  add(entry: E): boolean {
    const { store } = this.options;
    const capacity = this.capacity;
    if (store.size >= capacity) {
      if (this.refused === 0) this.notify({ kind: 'full', size: store.size });
      this.refused += 1;
      return false;
    }
    store.add(entry);
    if (!this.warnedNearlyFull && store.size >= capacity * 0.8) {
      this.warnedNearlyFull = true;
      this.notify({ kind: 'nearly-full', size: store.size, capacity });
    }
    return true;
  }

  /** Calls `fn` once the votes added so far are stored for good (see OutboxStore.whenStored). */
  whenStored(fn: () => void): void {
    this.options.store.whenStored(fn);
  }

  /** Every vote held, oldest first. */
  all(): E[] {
    return this.options.store.oldest(this.size);
  }

  /** What to send now, oldest first: of the `maxInFlight` oldest, those never sent or sent `resendAfterMs` ago or more. */
  due(): E[] {
    const { store, clock, resendAfterMs } = this.options;
    if (store.size === 0) return [];
    const now = clock.now();
    return store.oldest(Math.min(this.options.maxInFlight ?? store.size, store.size)).filter((entry) => {
      const at = this.sent.get(entry.id)?.at ?? null;
      return at === null || now - at >= resendAfterMs;
    });
  }

  /** How many times this vote was sent since it was loaded (0: not yet). */
  sends(id: string): number {
    return this.sent.get(id)?.sends ?? 0;
  }

  /** The vote went out now; returns how many times it has been sent (1: the first). */
  markSent(id: string): number {
    const sent = this.sent.get(id) ?? { at: null, sends: 0 };
    sent.at = this.options.clock.now();
    sent.sends += 1;
    this.sent.set(id, sent);
    return sent.sends;
  }

  /**
   * Sends what is due with `send`, oldest first, until it returns false (offline).
   * Returns how many went out, and how many of those were re-sends.
   */
  sendDue(send: (entry: E, attempt: number) => boolean): { sent: number; resent: number } {
    let sent = 0;
    let resent = 0;
    for (const entry of this.due()) {
      const attempt = this.sends(entry.id) + 1;
      const wasSent = this.sent.get(entry.id)?.at != null;
      if (!send(entry, attempt)) break;
      this.markSent(entry.id);
      sent += 1;
      if (wasSent) resent += 1;
    }
    if (resent > 0 && !this.resending) {
      this.resending = true;
      this.notify({ kind: 'resending', count: resent, afterMs: this.options.resendAfterMs });
    }
    return { sent, resent };
  }

  /** The receipt for `id` settles its vote, whatever its status: returns it (and forgets it), or null if unknown. */
  settle(id: string): E | null {
    const { store } = this.options;
    const entry = store.remove(id);
    this.sent.delete(id);
    if (entry === null) return null;
    if (this.refused > 0 && store.size < this.capacity) {
      this.notify({ kind: 'room-again', refused: this.refused });
      this.refused = 0;
    }
    if (store.size < this.capacity * 0.5) this.warnedNearlyFull = false;
    if (this.resending) {
      this.resending = false;
      this.notify({ kind: 'receipts-again' });
    }
    return entry;
  }

  /**
   * A clean session (a CONNACK without a session, a page that reconnected): the
   * broker may have lost what it acknowledged, so every vote is due again at once.
   */
  reset(): void {
    for (const sent of this.sent.values()) sent.at = null;
  }

  /** Drops the votes older than `maxAgeMs` (by their own time) and returns them. */
  expire(): E[] {
    const { maxAgeMs, clock, store } = this.options;
    if (maxAgeMs === undefined) return [];
    const now = clock.now();
    const old = this.all().filter((entry) => now - entry.createdAt > maxAgeMs);
    for (const entry of old) {
      store.remove(entry.id);
      this.sent.delete(entry.id);
    }
    if (old.length > 0) this.notify({ kind: 'expired', ids: old.map((e) => e.id) });
    return old;
  }

  private notify(notice: OutboxNotice): void {
    this.options.onNotice?.(notice);
  }
}
