import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteOutboxStore } from '../../../device/outbox/sqlite-store.js';
import { DamagedFileError } from '../../../runtime/errors/damaged-file-error.js';
import { silentLogger } from '../../../runtime/logger.js';
import { systemScheduler } from '../../../runtime/scheduler.js';
import { type Damage, damageFile } from '../../harness/damage.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An outbox of `votes` waiting votes, closed as a stopped agent leaves it. */
function outboxWithVotes(votes: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-damaged-'));
  dirs.push(dir);
  const path = join(dir, 'outbox.sqlite');
  const store = new SqliteOutboxStore({ path, scheduler: systemScheduler, logger: silentLogger });
  store.start();
  for (let i = 0; i < votes; i += 1) {
    store.add({ id: `vote-${i}-0123456789abcdef`, topic: 'classroom/votes/cours', payload: `{"id":"vote-${i}","option":"a"}`, button: 'b1', createdAt: i });
  }
  store.stop();
  return path;
}

describe('a damaged device outbox at start (issue 14, item 2)', () => {
  it.each<[Damage, string | undefined]>([
    ['truncate', undefined],
    ['middle-page', undefined],
    ['index', 'sqlite_autoindex_outbox_1'],
  ])('%s %s: the agent refuses to start with one clear error naming the file', (how, index) => {
    const path = outboxWithVotes(3000);
    damageFile(path, how, index);
    const store = new SqliteOutboxStore({ path, scheduler: systemScheduler, logger: silentLogger });
    let error: unknown = null;
    try {
      store.start();
    } catch (e) {
      error = e;
    }
    store.stop();
    expect(error).toBeInstanceOf(DamagedFileError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/docs\/device\.md/);
  });
});
