import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { DamagedFileError } from '../../runtime/errors/damaged-file-error.js';
import { silentLogger } from '../../runtime/logger.js';
import { systemScheduler } from '../../runtime/scheduler.js';
import { samplePoll } from '../../shared/poll.js';
import { DATABASE_FILE, openDatabase } from '../../server/store/database.js';
import { PollStore } from '../../server/store/poll-store.js';
import { VoteLog } from '../../server/store/vote-log.js';
import { startServer } from '../../server/index.js';
import { type Damage, damageFile } from '../harness/damage.js';
import { tempDataDir, testConfig } from './helpers.js';

/** A closed database of `votes` stored votes, as a server leaves it. */
async function databaseWithVotes(dir: string, votes: number): Promise<string> {
  const file = join(dir, DATABASE_FILE);
  const db = openDatabase(file);
  const poll = { ...samplePoll(), state: 'open' as const };
  new PollStore(db).insertPoll(poll, 0);
  const log = new VoteLog({ db, logger: silentLogger, scheduler: systemScheduler, onCommitError: () => undefined });
  for (let i = 0; i < votes; i += 1) {
    log.addVote({ pollId: poll.id, round: 1, voteId: `vote-${i}-0123456789abcdef`, option: poll.options[0]!.id, voter: 'box-1', source: 'test', ts: i, receivedAt: i, seq: i + 1 });
  }
  log.flush();
  db.close(); // the last connection checkpoints the WAL into the file
  return file;
}

describe('a damaged database at start (issue 14, item 2)', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.remove();
  });

  it.each<[Damage, string | undefined]>([
    ['truncate', undefined],
    ['middle-page', undefined],
    ['index', 'votes_by_id'],
    ['index', 'votes_by_round'],
  ])('%s %s: the server refuses to start with one clear error naming the file', async (how, index) => {
    const data = tempDataDir();
    dirs.push(data);
    const file = await databaseWithVotes(data.dir, 5000);
    damageFile(file, how, index);
    const started = startServer({ config: testConfig(data.dir), logger: silentLogger });
    const error = await started.then(
      async (running) => {
        await running.stop();
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DamagedFileError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/damaged/);
    expect((error as Error).message).toMatch(/Backup, restore and recovery/);
    // Nothing was changed: the file is still there for a salvage.
    expect(existsSync(file)).toBe(true);
  });

  it('the CLI exits 3 without a stack trace, and the systemd units do not restart on 3', async () => {
    const data = tempDataDir();
    dirs.push(data);
    const file = await databaseWithVotes(data.dir, 5000);
    damageFile(file, 'middle-page');
    let stderr = '';
    const code = await main(['server'], {
      stdout: () => undefined,
      stderr: (text) => {
        stderr += text;
      },
      env: { DATA_DIR: data.dir, MQTT_PORT: '0', MQTT_HOST: '127.0.0.1', HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent', ADMIN_TOKEN: 'test-admin-token-0123' },
    });
    expect(code).toBe(3);
    expect(stderr).toContain(file);
    expect(stderr).not.toMatch(/unexpected error|\n\s+at /);
    for (const unit of ['mqtt-classroom-server.service', 'mqtt-classroom-device.service']) {
      const text = readFileSync(join(import.meta.dirname, '../../deploy/systemd', unit), 'utf8');
      expect(text).toMatch(/^RestartPreventExitStatus=.*\b3\b/m);
    }
  });
});
