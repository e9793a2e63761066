/** What the outbox needs of an entry: its id (the receipt names it) and when it was made (expiry). */
export interface OutboxItem {
  readonly id: string;
  /** Epoch ms when the vote was made. */
  readonly createdAt: number;
}

/**
 * Where a voter's outbox keeps its votes: SQLite on the device
 * (device/outbox/sqlite-store.ts), localStorage in the vote page (web/lib/outbox.ts),
 * memory in tests and where there is no storage (memory-store.ts). Every store
 * passes the one contract suite, test/shared/outbox/store-contract.ts.
 *
 * The store only keeps entries; the rules (what is due, the cap, expiry) are the
 * machine's (machine.ts). When it was last sent is not stored: after a restart
 * every entry is due again, which the server's deduplication makes harmless.
 */
export interface OutboxStore<E extends OutboxItem> {
  /** How many entries it holds. */
  readonly size: number;
  /** Keeps `entry` after every other one. An id it already holds is refused with an error, the first entry kept. */
  add(entry: E): void;
  /** Forgets the entry with this id and returns it; null when it holds none. */
  remove(id: string): E | null;
  /** The `limit` oldest entries, oldest first; only entries that are stored for good (a store may write first). */
  oldest(limit: number): E[];
  /**
   * Calls `fn` once what was added so far is stored for good: at once for a store
   * that writes as it goes, after the commit for one that batches (SQLite). Never
   * when that write is lost.
   */
  whenStored(fn: () => void): void;
}
