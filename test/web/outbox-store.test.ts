import { describe, expect, it } from 'vitest';
import { LocalStorageOutboxStore, type PendingVote, pendingVote } from '../../web/lib/outbox.js';
import { describeOutboxStoreContract } from '../shared/outbox/store-contract.js';
import { MemoryStorage } from './fake-storage.js';

const entry = (n: number): PendingVote => pendingVote({ id: `vote-${n}`, option: 'IFT1215', voter: 'web-x', source: 'web', ts: 1000 + n }, 'cours', `Option ${n}`);

describeOutboxStoreContract<PendingVote>('localStorage (vote page)', () => {
  const storage = new MemoryStorage();
  return {
    open: () => new LocalStorageOutboxStore(storage, 'k'),
    entry,
    endTurn: () => undefined,
    reopen: () => new LocalStorageOutboxStore(storage, 'k'),
  };
});

// A page in private mode or with a full quota still has an outbox for this visit.
describeOutboxStoreContract<PendingVote>('localStorage refusing writes', () => {
  const storage = new MemoryStorage();
  storage.refuseWrites = true;
  return { open: () => new LocalStorageOutboxStore(storage, 'k'), entry, endTurn: () => undefined };
});

describeOutboxStoreContract<PendingVote>('no localStorage at all', () => ({ open: () => new LocalStorageOutboxStore(null, 'k'), entry, endTurn: () => undefined }));

describe('the localStorage outbox store', () => {
  it('keeps one key per outbox', () => {
    const storage = new MemoryStorage();
    new LocalStorageOutboxStore(storage, 'a').add(entry(1));
    expect(new LocalStorageOutboxStore(storage, 'b').size).toBe(0);
    expect(new LocalStorageOutboxStore(storage, 'a').size).toBe(1);
  });
});
