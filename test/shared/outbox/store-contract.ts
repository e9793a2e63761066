import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxIdTakenError } from '../../../shared/outbox/errors.js';
import type { OutboxItem, OutboxStore } from '../../../shared/outbox/store.js';

/**
 * The contract every OutboxStore passes (aedes' abstract-persistence is the
 * model): SQLite on the device, localStorage in the vote page, memory. Each store
 * gives a harness; the suite drives it only through the port.
 */
export interface OutboxStoreHarness<E extends OutboxItem> {
  /** A new, empty store, ready to use. */
  open(): OutboxStore<E>;
  /** The n-th test entry: id `vote-<n>`, made at 1000 + n. */
  entry(n: number): E;
  /** Lets the store finish the writes of this turn (a batched commit); nothing for one that writes at once. */
  endTurn(): void;
  /** The same store opened again on what it wrote (a restart, a reload); absent for a store that keeps nothing. */
  reopen?(): OutboxStore<E>;
  /** Closes what `open`/`reopen` made. */
  dispose?(): void;
}

export function describeOutboxStoreContract<E extends OutboxItem>(name: string, make: () => OutboxStoreHarness<E>): void {
  describe(`outbox store contract: ${name}`, () => {
    let h: OutboxStoreHarness<E>;
    let store: OutboxStore<E>;
    const ids = (entries: readonly E[]) => entries.map((e) => e.id);
    const addAll = (...ns: number[]) => {
      for (const n of ns) store.add(h.entry(n));
    };

    beforeEach(() => {
      h = make();
      store = h.open();
    });
    afterEach(() => h.dispose?.());

    it('starts empty', () => {
      expect(store.size).toBe(0);
      expect(store.oldest(10)).toEqual([]);
      expect(store.remove('vote-1')).toBeNull();
    });

    it('gives the oldest first, at most `limit` of them', () => {
      addAll(3, 1, 2);
      expect(store.size).toBe(3);
      expect(ids(store.oldest(10))).toEqual(['vote-3', 'vote-1', 'vote-2']);
      expect(ids(store.oldest(2))).toEqual(['vote-3', 'vote-1']);
      expect(store.oldest(0)).toEqual([]);
    });

    it('gives back what was added, field for field', () => {
      const entry = h.entry(7);
      store.add(entry);
      expect(store.oldest(1)[0]).toMatchObject(entry as object);
      expect(store.remove('vote-7')).toMatchObject(entry as object);
    });

    it('forgets by id, in any order, once', () => {
      addAll(1, 2, 3, 4);
      expect(store.remove('vote-3')?.id).toBe('vote-3');
      expect(store.remove('vote-3')).toBeNull();
      expect(store.remove('vote-1')?.id).toBe('vote-1');
      expect(store.size).toBe(2);
      expect(ids(store.oldest(10))).toEqual(['vote-2', 'vote-4']);
    });

    it('puts an entry added after a removal last', () => {
      addAll(1, 2);
      store.remove('vote-1');
      addAll(3);
      expect(ids(store.oldest(10))).toEqual(['vote-2', 'vote-3']);
    });

    it('refuses an id it already holds, and keeps the first entry', () => {
      addAll(1);
      expect(() => store.add(h.entry(1))).toThrow(OutboxIdTakenError);
      expect(store.size).toBe(1);
      expect(ids(store.oldest(10))).toEqual(['vote-1']);
    });

    it('says when what was added is stored, once, in order', () => {
      const said: string[] = [];
      addAll(1);
      store.whenStored(() => said.push('first'));
      addAll(2);
      store.whenStored(() => said.push('second'));
      h.endTurn();
      expect(said).toEqual(['first', 'second']);
      h.endTurn();
      expect(said).toEqual(['first', 'second']);
      // Nothing pending: at once.
      store.whenStored(() => said.push('third'));
      expect(said).toEqual(['first', 'second', 'third']);
    });

    it('hands out an entry in the turn it was added (what oldest() returns is stored)', () => {
      addAll(1);
      expect(ids(store.oldest(1))).toEqual(['vote-1']);
      const said: string[] = [];
      store.whenStored(() => said.push('stored'));
      expect(said).toEqual(['stored']);
    });

    it('keeps its entries, in order, across a reopen (when it keeps anything)', (ctx) => {
      if (h.reopen === undefined) return ctx.skip();
      addAll(1, 2, 3);
      store.remove('vote-2');
      h.endTurn();
      const again = h.reopen();
      expect(again.size).toBe(2);
      expect(ids(again.oldest(10))).toEqual(['vote-1', 'vote-3']);
      expect(again.oldest(1)[0]).toMatchObject(h.entry(1) as object);
    });
  });
}
