import { MemoryOutboxStore } from '../../../shared/outbox/memory-store.js';
import { describeOutboxStoreContract } from './store-contract.js';

interface Entry {
  readonly id: string;
  readonly createdAt: number;
  readonly payload: string;
}

describeOutboxStoreContract<Entry>('memory', () => ({
  open: () => new MemoryOutboxStore<Entry>(),
  entry: (n) => ({ id: `vote-${n}`, createdAt: 1000 + n, payload: `{"n":${n}}` }),
  endTurn: () => undefined,
}));
