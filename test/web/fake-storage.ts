import type { StorageLike } from '../../web/lib/outbox.js';

/** localStorage for tests: a Map, optionally refusing writes (private mode, a full quota). */
export class MemoryStorage implements StorageLike {
  readonly items = new Map<string, string>();
  refuseWrites = false;
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (this.refuseWrites) throw new Error('QuotaExceededError');
    this.items.set(key, value);
  }
}
