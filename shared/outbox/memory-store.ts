import { OutboxIdTakenError } from './errors.js';
import type { OutboxItem, OutboxStore } from './store.js';

/** An outbox that keeps nothing across a restart: tests, and a page without storage. */
export class MemoryOutboxStore<E extends OutboxItem> implements OutboxStore<E> {
  // A Map iterates in insertion order: oldest first.
  private readonly entries = new Map<string, E>();

  constructor(initial: Iterable<E> = []) {
    for (const entry of initial) this.add(entry);
  }

  get size(): number {
    return this.entries.size;
  }

  add(entry: E): void {
    if (this.entries.has(entry.id)) throw new OutboxIdTakenError(entry.id);
    this.entries.set(entry.id, entry);
  }

  remove(id: string): E | null {
    const entry = this.entries.get(id);
    if (entry === undefined) return null;
    this.entries.delete(id);
    return entry;
  }

  oldest(limit: number): E[] {
    const out: E[] = [];
    for (const entry of this.entries.values()) {
      if (out.length >= limit) break;
      out.push(entry);
    }
    return out;
  }

  whenStored(fn: () => void): void {
    fn();
  }
}
