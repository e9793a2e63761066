import type { Scheduler } from '../../shared/scheduler.js';
import type { ServerEnv } from '../../runtime/env.js';
import type { Component } from '../../runtime/lifecycle.js';
import type { Logger } from '../../runtime/logger.js';
import { snapshotOf, withoutCounts } from '../../shared/codecs/tally.js';
import type { Topics } from '../../shared/topics.js';
import { ThrottledLog } from '../logging/throttled-log.js';
import type { MqttLink } from '../mqtt/mqtt-link.js';
import { LessonService } from '../polls/lesson-service.js';
import { PollService } from '../polls/poll-service.js';
import { TallyPublisher } from '../publish/tally-publisher.js';
import { type Db, openDatabase } from '../store/database.js';
import { LessonStore } from '../store/lesson-store.js';
import { PollStore } from '../store/poll-store.js';
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
  readonly stats: ServerStats;
  readonly tallies: TallyPublisher;
  readonly polls: PollService;
  readonly lessons: LessonService;
  readonly ingest: VoteIngest;
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
  const rejections = new ThrottledLog({ logger: logger.child('votes'), what: 'rejected votes', intervalMs: ctx.logSummaryMs });
  const log: VoteLog = new VoteLog({
    db,
    logger: logger.child('store'),
    // In memory are votes that never reached the disk: start again from the disk.
    onCommitError: () => {
      book.load();
      polls.publishAll();
    },
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
      db.close();
    },
  };
  return { db, store, book, log, stats, tallies, polls, lessons, ingest, database };
}
