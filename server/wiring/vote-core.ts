import { join } from 'node:path';
import type { Scheduler } from '../../shared/scheduler.js';
import type { ServerEnv } from '../../runtime/env.js';
import type { Component } from '../../runtime/lifecycle.js';
import type { Logger } from '../../runtime/logger.js';
import { encodeStatus } from '../../shared/codecs/status.js';
import { snapshotOf, withoutCounts } from '../../shared/codecs/tally.js';
import type { Topics } from '../../shared/topics.js';
import { ThrottledLog } from '../logging/throttled-log.js';
import type { MqttLink } from '../mqtt/mqtt-link.js';
import { serverStatusTopic } from '../mqtt/server-link.js';
import { LessonService } from '../polls/lesson-service.js';
import { PollService } from '../polls/poll-service.js';
import { QuizService } from '../polls/quiz-service.js';
import { TallyPublisher } from '../publish/tally-publisher.js';
import { BACKUP_DIR, Backups } from '../store/backup.js';
import { type Db, openDatabase } from '../store/database.js';
import { LessonStore } from '../store/lesson-store.js';
import { PollStore } from '../store/poll-store.js';
import { QuizStore } from '../store/quiz-store.js';
import { StoreHealth } from '../store/store-health.js';
import { VoteLog } from '../store/vote-log.js';
import { PollBook } from '../tally/poll-book.js';
import { type ServerStats, createStats } from '../votes/server-stats.js';
import { VoteIngest } from '../votes/vote-ingest.js';

export interface VoteCoreContext {
  config: ServerEnv;
  topics: Topics;
  /** Where polls, tallies and receipts are published (started later: see ServerLink). */
  link: MqttLink;
  /** Time for every part with a clock or a timer. */
  scheduler: Scheduler;
  logger: Logger;
  databasePath: string;
  /** Period of the "N more rejected votes" log summary. */
  logSummaryMs: number;
}

/** What takes, stores, counts and announces the votes, behind the MQTT link. */
export interface VoteCore {
  readonly db: Db;
  readonly store: PollStore;
  readonly book: PollBook;
  readonly log: VoteLog;
  /** Whether votes are being stored (a full disk, a damaged index stop it). */
  readonly health: StoreHealth;
  readonly stats: ServerStats;
  readonly tallies: TallyPublisher;
  readonly polls: PollService;
  readonly lessons: LessonService;
  readonly quiz: QuizService;
  readonly ingest: VoteIngest;
  /** The daily and on-demand backups of the database (DATA_DIR/backups). */
  readonly backups: Backups;
  /** Loads every tally from the database; on stop commits what is queued and closes it. */
  readonly database: Component;
}

/** Opens the database and makes the parts over it; nothing starts yet. */
export function createVoteCore(ctx: VoteCoreContext): VoteCore {
  const { config, topics, link, scheduler, logger } = ctx;
  const clock = scheduler;
  const db = openDatabase(ctx.databasePath);
  const store = new PollStore(db);
  const book = new PollBook(store, logger.child('tally'));
  const stats = createStats(store.rejectionCounts());
  const rejections = new ThrottledLog({ logger: logger.child('votes'), what: 'rejected votes', intervalMs: ctx.logSummaryMs, scheduler });
  const health = new StoreHealth({
    file: ctx.databasePath,
    logger: logger.child('store'),
    scheduler,
    logSummaryMs: ctx.logSummaryMs,
    // Retained, so a teacher's mosquitto_sub sees it; votes get no receipt meanwhile.
    onChange: (storing) => link.publish(serverStatusTopic(topics), encodeStatus(storing ? 'online' : 'not-storing'), { qos: 1, retain: true }),
  });
  const log: VoteLog = new VoteLog({
    db,
    logger: logger.child('store'),
    scheduler,
    onCommitError: (error, batch) => {
      health.failed(error, batch);
      // In memory are votes that never reached the disk: start again from the disk.
      try {
        book.load();
        polls.publishAll();
      } catch (reload) {
        logger.child('store').error('cannot read the tallies back from the database', {
          error: reload instanceof Error ? reload.message : String(reload),
        });
      }
    },
    onCommit: () => health.committed(),
  });
  const tallies = new TallyPublisher({
    topics,
    link,
    scheduler,
    intervalMs: config.tallyIntervalMs,
    commit: () => log.flush(),
    snapshot: (pollId) => {
      const entry = book.get(pollId);
      if (entry === undefined) return null;
      const snapshot = snapshotOf(entry.tally, clock.now());
      return entry.tally.poll.hidden === true ? withoutCounts(snapshot) : snapshot;
    },
  });
  const polls = new PollService({ store, log, book, link, tallies, topics, clock, scheduler, logger });
  const lessons = new LessonService({ store: new LessonStore(db), polls, book, clock, logger: logger.child('lessons') });
  const quiz = new QuizService({ store: new QuizStore(db), lessons, log, link, topics, clock, logger: logger.child('quiz') });
  polls.onStateChange((pollId, state) => quiz.pollChanged(pollId, state));
  const ingest = new VoteIngest({
    topics,
    voteTopic: config.voteTopic,
    maxPayloadBytes: config.maxPayloadBytes,
    book,
    log,
    link,
    clock,
    logger: logger.child('votes'),
    rejections,
    stats,
    changed: (pollId) => tallies.changed(pollId),
    closeDue: () => polls.closeDue(),
  });
  const backups = new Backups({
    db,
    dir: join(config.dataDir, BACKUP_DIR),
    keep: config.backupKeep,
    scheduler,
    logger: logger.child('backup'),
  });
  const database: Component = {
    name: 'database',
    start: () => {
      book.load();
      polls.armCountdowns();
    },
    stop: () => {
      polls.stop();
      log.flush();
      rejections.stop();
      health.stop();
      db.close();
    },
  };
  return { db, store, book, log, health, stats, tallies, polls, lessons, quiz, ingest, backups, database };
}
