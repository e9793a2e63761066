import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NewEntry, SqliteOutboxStore } from '../../../device/outbox/sqlite-store.js';
import { silentLogger } from '../../../runtime/logger.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';
import { describeOutboxStoreContract } from '../../shared/outbox/store-contract.js';

describeOutboxStoreContract<NewEntry>('SQLite (device)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-contract-'));
  const path = join(dir, 'outbox.sqlite');
  // The group commit runs on the scheduler's next turn: endTurn() runs it.
  const scheduler = new ManualScheduler();
  const opened: SqliteOutboxStore[] = [];
  const open = () => {
    const store = new SqliteOutboxStore({ path, scheduler, logger: silentLogger });
    store.start();
    opened.push(store);
    return store;
  };
  return {
    open,
    entry: (n) => ({ id: `vote-${n}`, topic: 'classroom/votes/cours', payload: `{"n":${n}}`, button: n % 2 === 0 ? null : `b${n}`, createdAt: 1000 + n }),
    endTurn: () => scheduler.runNextTurns(),
    reopen: () => {
      for (const store of opened.splice(0)) store.stop();
      return open();
    },
    dispose: () => {
      for (const store of opened.splice(0)) store.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
