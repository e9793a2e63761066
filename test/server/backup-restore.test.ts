import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliContext, main } from '../../cli/main.js';
import { silentLogger } from '../../runtime/logger.js';
import { Backups } from '../../server/store/backup.js';
import { samplePoll } from '../../shared/poll.js';
import { DATABASE_FILE, openDatabase } from '../../server/store/database.js';
import { PollStore } from '../../server/store/poll-store.js';
import { VoteLog } from '../../server/store/vote-log.js';
import { ManualScheduler } from '../harness/manual-scheduler.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { damageFile } from '../harness/damage.js';
import { until } from '../harness/wait.js';
import { TEST_ADMIN_TOKEN, jsonVote, openPoll, startTestServer, tempDataDir } from './helpers.js';

function cli(env: NodeJS.ProcessEnv): CliContext & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    env,
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    out: () => out,
    err: () => err,
  };
}

describe('backups and restore (issue 14, item 3)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('backs up a running server on demand, and a restore after damage gives back the same counts', async () => {
    const data = tempDataDir();
    cleanups.push(() => data.remove());
    const first = await startTestServer({}, { dataDir: data.dir });
    cleanups.push(() => first.dispose());
    openPoll(first.running, 'cours', ['a', 'b']);
    const client = await connectClient(first.running.mqttUrl);
    cleanups.push(() => closeClient(client));
    for (let i = 0; i < 300; i += 1) client.publish('classroom/votes/cours', jsonVote(`v-${i}`, i % 3 === 0 ? 'a' : 'b', 'box-1'), { qos: 1 });
    await until(() => first.running.status().counted === 300, 'the 300 votes stored');
    expect(first.running.status().store).toMatchObject({ storing: true, failedCommits: 0, lastFailure: null });

    const env = { DATA_DIR: data.dir, SERVER_URL: first.running.httpUrl, ADMIN_TOKEN: TEST_ADMIN_TOKEN };
    const backup = cli(env);
    expect(await main(['backup'], backup)).toBe(0);
    const file = /backed up to (\S+)/.exec(backup.out())?.[1] as string;
    expect(readdirSync(join(data.dir, 'backups'))).toHaveLength(1);
    const before = first.running.polls.get('cours').tally;

    // The restore refuses while the server has the database open.
    const busy = cli(env);
    expect(await main(['restore', file], busy)).toBe(2);
    expect(busy.err()).toMatch(/stop the server first/);

    await closeClient(client);
    await first.dispose();
    damageFile(join(data.dir, DATABASE_FILE), 'middle-page');
    const restore = cli(env);
    expect(await main(['restore', file], restore)).toBe(0);
    expect(restore.out()).toMatch(/300 votes/);

    const second = await startTestServer({}, { dataDir: data.dir });
    cleanups.push(() => second.dispose());
    const after = second.running.polls.get('cours').tally;
    expect(after.counts).toEqual(before.counts);
    expect(after.total).toBe(300);
    // The damaged file was kept aside, not deleted.
    expect(readdirSync(data.dir).some((name) => name.startsWith(`${DATABASE_FILE}.before-restore-`))).toBe(true);
  });

  it('backs up daily on the scheduler and keeps the newest BACKUP_KEEP', async () => {
    const data = tempDataDir();
    cleanups.push(() => data.remove());
    const db = openDatabase(join(data.dir, DATABASE_FILE));
    cleanups.push(() => {
      db.close();
    });
    const scheduler = new ManualScheduler();
    const dir = join(data.dir, 'backups');
    const backups = new Backups({ db, dir, keep: 3, scheduler, logger: silentLogger });
    backups.start();
    cleanups.push(() => backups.stop());
    const name = (n: number) => `classroom-${new Date(1_700_000_000_000 + n * 86_400_000).toISOString().replace(/[-:.]/g, '')}.sqlite`;
    const names = () => backups.list().map((f) => f.slice(dir.length + 1));
    for (let day = 1; day <= 5; day += 1) {
      scheduler.advance(24 * 60 * 60 * 1000);
      await until(() => names().at(-1) === name(day), `the backup of day ${day}`);
    }
    // The newest three: days 3, 4 and 5 after the scheduler's start; none half-written.
    expect(names()).toEqual([name(3), name(4), name(5)]);
    expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it.each(['middle-page', 'truncate'] as const)('salvages what reads from a database damaged by %s, and the server starts on it', async (how) => {
    const data = tempDataDir();
    cleanups.push(() => data.remove());
    const file = join(data.dir, DATABASE_FILE);
    const db = openDatabase(file);
    const poll = { ...samplePoll(), state: 'open' as const };
    new PollStore(db).insertPoll(poll, 0);
    const log = new VoteLog({ db, logger: silentLogger, scheduler: new ManualScheduler(), onCommitError: () => undefined });
    for (let i = 0; i < 5000; i += 1) {
      log.addVote({ pollId: poll.id, round: 1, voteId: `v-${i}-0123456789abcdef`, option: poll.options[0]!.id, voter: 'b', source: 't', ts: i, receivedAt: i, seq: i + 1 });
    }
    log.flush();
    db.close();
    damageFile(file, how);

    const salvage = cli({ DATA_DIR: data.dir });
    expect(await main(['salvage', file], salvage)).toBe(0);
    const copied = Number(/votes: (\d+) rows copied/.exec(salvage.out())?.[1]);
    // At most the votes of the one overwritten page are lost (none when it was an
    // index's); a file cut in half keeps the votes in its first half.
    expect(copied).toBeGreaterThan(how === 'truncate' ? 1000 : 4800);
    expect(copied).toBeLessThanOrEqual(5000);
    expect(await main(['restore', `${file}.salvaged.sqlite`], cli({ DATA_DIR: data.dir }))).toBe(0);
    const server = await startTestServer({}, { dataDir: data.dir });
    cleanups.push(() => server.dispose());
    expect(server.running.polls.get(poll.id).tally.total).toBe(copied);
  });
});
