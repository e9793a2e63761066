import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VoteSender } from '../../../device/outbox/sender.js';
import { SqliteOutboxStore, type SqliteOutboxStoreOptions } from '../../../device/outbox/sqlite-store.js';
import { silentLogger } from '../../../runtime/logger.js';
import { systemScheduler } from '../../../runtime/scheduler.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';
import { captureLogger } from '../helpers/logs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
  dirs.push(dir);
  return join(dir, 'sub', 'outbox.sqlite');
}
// Node's scheduler: these tests are about what is on disk after real turns and a real SIGKILL.
const open = (options: Omit<SqliteOutboxStoreOptions, 'scheduler'>) => new SqliteOutboxStore({ scheduler: systemScheduler, ...options });
const entry = (n: number, button: string | null = 'b1') => ({ id: `vote-${n}`, topic: 'classroom/votes/cours', payload: `{"n":${n}}`, button, createdAt: 1000 + n });

describe('SqliteOutboxStore', () => {
  it('keeps votes in press order and forgets one only when asked, by id', () => {
    const outbox = open({ path: tempPath(), logger: silentLogger });
    outbox.start();
    for (const n of [1, 2, 3, 4]) outbox.add(entry(n));
    expect(outbox.remove('vote-3')?.payload).toBe('{"n":3}');
    expect(outbox.remove('vote-3')).toBeNull();
    expect(outbox.oldest(10).map((e) => e.id)).toEqual(['vote-1', 'vote-2', 'vote-4']);
    expect(outbox.oldest(2).map((e) => e.id)).toEqual(['vote-1', 'vote-2']);
    expect(outbox.size).toBe(3);
    outbox.stop();
  });

  it('survives a restart: the same votes, in the same order, and its state', () => {
    const path = tempPath();
    const first = open({ path, logger: silentLogger });
    first.start();
    for (const n of [1, 2, 3]) first.add(entry(n));
    first.remove('vote-1');
    first.setState('target-poll', '{"id":"cours"}');
    first.stop();
    const log = captureLogger();
    const second = open({ path, logger: log.logger });
    second.start();
    expect(second.oldest(10).map((e) => [e.id, e.button, e.createdAt])).toEqual([
      ['vote-2', 'b1', 1002],
      ['vote-3', 'b1', 1003],
    ]);
    expect(second.getState('target-poll')).toBe('{"id":"cours"}');
    expect(log.text()).toContain('2 votes from before the restart');
    second.stop();
  });

  it('has each vote on disk once its turn is committed, even if the process is then killed', () => {
    const path = tempPath();
    // A child process adds 50 votes in one event-loop turn, lets the turn end (its
    // group commit), adds 10 more and dies by SIGKILL in the same turn, before
    // their commit: those 10 were never handed out for sending, and they are gone.
    const script = `
      import { SqliteOutboxStore } from ${JSON.stringify(new URL('../../../device/outbox/sqlite-store.ts', import.meta.url).pathname)};
      import { silentLogger } from ${JSON.stringify(new URL('../../../runtime/logger.ts', import.meta.url).pathname)};
      import { systemScheduler } from ${JSON.stringify(new URL('../../../runtime/scheduler.ts', import.meta.url).pathname)};
      const outbox = new SqliteOutboxStore({ path: ${JSON.stringify(path)}, scheduler: systemScheduler, logger: silentLogger });
      outbox.start();
      for (let n = 0; n < 50; n += 1) outbox.add({ id: 'v' + n, topic: 't', payload: 'p', button: null, createdAt: n });
      setImmediate(() => setImmediate(() => {
        if (outbox.commits !== 1 || outbox.uncommitted !== 0) process.exit(3);
        for (let n = 50; n < 60; n += 1) outbox.add({ id: 'v' + n, topic: 't', payload: 'p', button: null, createdAt: n });
        process.kill(process.pid, 'SIGKILL');
      }));
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    const outbox = open({ path, logger: silentLogger });
    outbox.start();
    expect(outbox.size).toBe(50);
    expect(outbox.oldest(1)[0]?.id).toBe('v0');
    expect(outbox.oldest(100).at(-1)?.id).toBe('v49');
    outbox.stop();
  });

  it('commits what is pending before head() hands it out, and on stop()', () => {
    const path = tempPath();
    const outbox = open({ path, logger: silentLogger });
    outbox.start();
    outbox.add(entry(1));
    outbox.add(entry(2));
    expect(outbox.uncommitted).toBe(2);
    expect(outbox.commits).toBe(0);
    expect(outbox.oldest(10).map((e) => e.id)).toEqual(['vote-1', 'vote-2']);
    expect(outbox.commits).toBe(1);
    expect(outbox.uncommitted).toBe(0);
    outbox.add(entry(3));
    outbox.stop();
    const again = open({ path, logger: silentLogger });
    again.start();
    expect(again.size).toBe(3);
    again.stop();
  });

  it('refuses new votes when full, with one clear warning, and says when there is room again', () => {
    // The cap is the shared machine's (VoteSender holds it); the words are the device's.
    const log = captureLogger();
    const store = open({ path: tempPath(), logger: log.logger });
    store.start();
    const link = { connected: false, publish: () => false };
    const { outbox } = new VoteSender({ store, link, scheduler: new ManualScheduler(), logger: log.logger, maxEntries: 5, receiptTimeoutMs: 1_000, maxInFlight: 10 });
    for (const n of [1, 2, 3, 4, 5]) expect(outbox.add(entry(n))).toBe(true);
    expect(log.text()).toContain('80% full');
    expect(outbox.add(entry(6))).toBe(false);
    expect(outbox.add(entry(7))).toBe(false);
    expect(log.lines.filter((l) => l.includes('outbox FULL'))).toHaveLength(1);
    expect(log.text()).toContain('new presses are NOT recorded');
    outbox.settle('vote-1');
    expect(log.text()).toContain('2 presses were not recorded while it was full');
    expect(outbox.add(entry(8))).toBe(true);
    expect(store.oldest(10).map((e) => e.id)).toEqual(['vote-2', 'vote-3', 'vote-4', 'vote-5', 'vote-8']);
    store.stop();
  });

  it('names the file and what to do when it cannot be opened', () => {
    // DATA_DIR pointing at a file: its "folder" cannot be made (works even as root).
    const file = tempPath().replace('sub/outbox.sqlite', 'a-file');
    writeFileSync(file, '');
    const path = join(file, 'outbox.sqlite');
    const outbox = open({ path, logger: silentLogger });
    expect(() => outbox.start()).toThrow(`The vote outbox ${path} cannot be opened`);
    expect(() => outbox.start()).toThrow(/DATA_DIR/);
  });
});
