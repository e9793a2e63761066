/**
 * The device outbox alone, in this process: presses/s into a real SQLite outbox
 * (WAL, synchronous=FULL) when presses arrive `perTurn` to an event-loop turn and
 * are group-committed at the end of each turn (one fsync per turn). The reference
 * in the same run: the same outbox with a commit after every press (one fsync per
 * press, as before group commit).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteOutboxStore } from '../device/outbox/sqlite-store.js';
import { silentLogger } from '../runtime/logger.js';
import { systemScheduler } from '../runtime/scheduler.js';

export interface OutboxCommitResult {
  perSecond: number;
  commits: number;
  presses: number;
}

/** perTurn 0: the reference, a commit (fsync) after each press. */
export async function outboxCommit(presses: number, perTurn: number): Promise<OutboxCommitResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-bench-outbox-'));
  const outbox = new SqliteOutboxStore({ path: join(dir, 'outbox.sqlite'), scheduler: systemScheduler, logger: silentLogger });
  outbox.start();
  try {
    const payload = JSON.stringify({ id: '00000000-0000-0000-0000-000000000000', option: 'IFT1215', voter: 'boitier-1', source: 'button', ts: Date.now() });
    let n = 0;
    const add = () => outbox.add({ id: `p${(n += 1)}`, topic: 'classroom/votes/cours', payload, button: 'b1', createdAt: Date.now() });
    const started = performance.now();
    while (n < presses) {
      if (perTurn === 0) {
        add();
        outbox.flush();
        continue;
      }
      for (let i = 0; i < perTurn && n < presses; i += 1) add();
      await new Promise((resolve) => setImmediate(resolve));
    }
    outbox.flush();
    return { perSecond: presses / ((performance.now() - started) / 1000), commits: outbox.commits, presses };
  } finally {
    outbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
