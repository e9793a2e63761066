import type { Server as NodeHttpServer } from 'node:http';
import { join } from 'node:path';
import { systemScheduler } from '../runtime/scheduler.js';
import type { Scheduler } from '../shared/scheduler.js';
import type { ServerEnv } from '../runtime/env.js';
import { type Component, Lifecycle } from '../runtime/lifecycle.js';
import { type Logger, createLogger } from '../runtime/logger.js';
import { projectRoot } from '../runtime/package-info.js';
import { createTopics } from '../shared/topics.js';
import { resolveAdminToken } from './admin-token.js';
import { ChatHistory } from './chat/chat-history.js';
import { browserConfig } from './http/config-json.js';
import { HttpServer } from './http/http-server.js';
import { TeacherSessions } from './http/teacher-sessions.js';
import { type RunningServer, runningServer, statusOf } from './running-server.js';
import { DATABASE_FILE } from './store/database.js';
import { RetainJanitor } from './mqtt/retain-janitor.js';
import { brokerUrls, chooseBroker, createEmbeddedBroker, createServerLink } from './wiring/mqtt-side.js';
import { createRoomSide } from './wiring/room-side.js';
import { createVoteCore } from './wiring/vote-core.js';

export interface StartServerOptions {
  config: ServerEnv;
  logger?: Logger;
  /** Time for every part with a clock or a timer. */
  scheduler?: Scheduler;
  /** Use this HTTP server (listening or not) instead of making one; it is left open on stop. */
  httpServerOverride?: NodeHttpServer;
  /** The built pages; default `web/dist` of this package. */
  webRoot?: string;
  /** The SQLite file; default `DATA_DIR/classroom.sqlite`. */
  databasePath?: string;
  /** How long start-up waits for an external broker before going on (default 10 s). */
  brokerWaitMs?: number;
  /** Period of the "N more rejected votes" log summary (default 30 s). */
  logSummaryMs?: number;
}

/**
 * Starts the hub: the database (rebuilding every tally from it), the HTTP server,
 * the embedded broker unless `config.mqttUrl` names one, and the MQTT session that
 * takes the votes. Resolves once it is serving.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel, name: 'server' });
  const scheduler = options.scheduler ?? systemScheduler;
  const clock = scheduler;
  const topics = createTopics({ prefix: config.topicPrefix });
  const choice = chooseBroker(config);
  const admin = resolveAdminToken(config.adminToken, config.dataDir);
  const startedAt = clock.now();

  const chat = new ChatHistory({ topics, clock, logger: logger.child('chat') });
  // Every part is made first, then started in order by the lifecycle below. The
  // link publishes nothing before it starts, and the parts it calls back (votes
  // in, retained state out) exist by then.
  const link = createServerLink(choice, {
    config,
    url: () => brokerUrls(config, broker),
    broker: () => broker,
    topics,
    voteTopic: config.voteTopic,
    logger: logger.child('mqtt'),
    onVote: (topic, payload, retained) => core.ingest.handle(topic, payload, retained),
    onChat: (topic, payload, retained) => chat.handle(topic, payload, retained),
    room: {
      get filters() {
        return room.link.filters;
      },
      handle: (topic, payload, retained) => room.link.handle(topic, payload, retained),
      connectionChanged: () => room.state.changed(),
    },
    onReady: () => {
      core.polls.publishAll();
      core.quiz.publishLeaderboard();
      room.bread.announceBake();
    },
    presence: () => (core.health.status.storing ? 'online' : 'not-storing'),
    waitMs: options.brokerWaitMs ?? 10_000,
    scheduler,
  });
  const core = createVoteCore({
    config,
    topics,
    link,
    scheduler,
    logger,
    databasePath: options.databasePath ?? join(config.dataDir, DATABASE_FILE),
    logSummaryMs: options.logSummaryMs ?? 30_000,
  });
  const { polls, lessons, quiz, book, store, log, tallies } = core;
  const room = createRoomSide({ db: core.db, topics, scheduler, logger, embedded: choice.embedded, link: () => link, health: core.health, broker: () => broker });
  const status = statusOf({ startedAt, choice, link, core });
  const pages = browserConfig(config, topics);
  const sessions = new TeacherSessions({ secret: admin.token, now: () => clock.now() });
  const http = new HttpServer({
    host: config.httpHost,
    port: config.httpPort,
    webRoot: options.webRoot ?? join(projectRoot(), 'web', 'dist'),
    browserConfig: pages,
    logger: logger.child('http'),
    ...(options.httpServerOverride === undefined ? {} : { server: options.httpServerOverride }),
    admin: { token: admin.token, polls, lessons, quiz, book, store, log, now: () => clock.now(), status, backup: () => core.backups.backUp(), chat, sessions, publicUrl: pages.publicUrl ?? null, room },
  });
  const broker = createEmbeddedBroker(choice, { config, topics, httpServer: http.server, logger: logger.child('broker'), chat });
  const mqtt: Component = {
    name: 'mqtt',
    start: () => link.start(),
    stop: async () => {
      // Commit and announce what arrived, then say goodbye.
      tallies.flush();
      await link.stop();
      tallies.stop();
    },
  };

  // External brokers only: the embedded one never retains a chat line or a vote (server/access/).
  const janitor = choice.embedded
    ? null
    : new RetainJanitor({ url: () => brokerUrls(config, broker), clientId: choice.serverClientId, username: config.mqttUsername, password: config.mqttPassword, filters: [topics.allChat, topics.allVotes], logger: logger.child('janitor'), scheduler });
  const lifecycle = new Lifecycle(logger);
  try {
    await lifecycle.start([core.database, core.backups, room, http, ...(broker === null ? [] : [broker]), mqtt, ...(janitor === null ? [] : [janitor])]);
    room.watchBroker(broker);
  } catch (error) {
    if (core.db.open) core.db.close();
    throw error;
  }
  if (broker === null && config.mqttWsUrls === null) {
    logger.warn('MQTT_WS_URL is not set: browsers will try ws://<this host>/mqtt, which an external broker does not serve; set it to the broker\'s WebSocket listener');
  }
  return runningServer({ config, admin, choice, http, broker, link, polls, status, sessions, publicUrl: pages.publicUrl ?? null, stop: () => lifecycle.stop() });
}
