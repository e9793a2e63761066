import { randomBytes } from 'node:crypto';
import type { Server as NodeHttpServer } from 'node:http';
import { join } from 'node:path';
import { systemScheduler } from '../runtime/scheduler.js';
import type { Scheduler } from '../shared/scheduler.js';
import type { EnvConfig } from '../runtime/env.js';
import { Lifecycle } from '../runtime/lifecycle.js';
import { type Logger, createLogger } from '../runtime/logger.js';
import { packageVersion, projectRoot } from '../runtime/package-info.js';
import { snapshotOf } from '../shared/codecs/tally.js';
import { ConfigError } from '../shared/errors/config-error.js';
import { assertId } from '../shared/ids.js';
import { createTopics } from '../shared/topics.js';
import { createAccessRules } from './access/access-rules.js';
import { Accounts, SERVER_ACCOUNT, SERVER_CLIENT_ID } from './access/accounts.js';
import { resolveAdminToken } from './admin-token.js';
import { EmbeddedBroker } from './broker/embedded-broker.js';
import { browserConfig } from './http/config-json.js';
import { HttpServer } from './http/http-server.js';
import { ThrottledLog } from './logging/throttled-log.js';
import { ServerLink } from './mqtt/server-link.js';
import { PollService } from './polls/poll-service.js';
import { TallyPublisher } from './publish/tally-publisher.js';
import { DATABASE_FILE, openDatabase } from './store/database.js';
import { PollStore } from './store/poll-store.js';
import { VoteLog, type VoteLogStats } from './store/vote-log.js';
import { PollBook } from './tally/poll-book.js';
import { createStats } from './votes/server-stats.js';
import { VoteIngest } from './votes/vote-ingest.js';

export { PollService, type NewPoll, type PollSummary } from './polls/poll-service.js';
export { SERVER_ACCOUNT, SERVER_CLIENT_ID } from './access/accounts.js';
export { serverStatusTopic } from './mqtt/server-link.js';

export interface StartServerOptions {
  config: EnvConfig;
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

export interface ServerStatus {
  readonly version: string;
  readonly startedAt: number;
  readonly broker: 'embedded' | 'external';
  readonly mqttConnected: boolean;
  readonly polls: number;
  readonly counted: number;
  readonly duplicates: number;
  readonly rejectedBy: Readonly<Record<string, number>>;
  readonly store: VoteLogStats;
}

export interface RunningServer {
  readonly httpPort: number;
  /** Base URL of the pages and the admin API, for local clients. */
  readonly httpUrl: string;
  /** The embedded broker's TCP port; null with an external broker. */
  readonly mqttPort: number | null;
  /** What local MQTT clients should connect to. */
  readonly mqttUrl: string;
  /** What local WebSocket clients should connect to (null: external broker without MQTT_WS_URL). */
  readonly wsUrl: string | null;
  readonly adminToken: string;
  /** Where the token came from: ADMIN_TOKEN, the DATA_DIR file, or made now. */
  readonly adminTokenSource: 'env' | 'file' | 'generated';
  /** The poll lifecycle, for in-process callers (the demo). */
  readonly polls: PollService;
  status(): ServerStatus;
  /**
   * Embedded broker only: a device account (username = device id) with a fresh
   * password, for an in-process device such as the demo's simulated box.
   */
  addDeviceAccount(deviceId: string): { username: string; password: string };
  /** Commits pending votes, publishes `offline`, stops the broker, closes the database. */
  stop(): Promise<void>;
}

/**
 * Starts the hub: the database (rebuilding every tally from it), the HTTP server,
 * the embedded broker unless `config.mqttUrl` names one, and the MQTT session that
 * takes the votes. Resolves once it is serving.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel, name: 'server' });
  const clock = options.scheduler ?? systemScheduler;
  const topics = createTopics({ prefix: config.topicPrefix });
  if (config.deviceAccounts.has(SERVER_ACCOUNT)) {
    throw new ConfigError('The environment (.env)', [
      { path: 'DEVICE_ACCOUNTS', message: `${SERVER_ACCOUNT} is the server's own account: give the device another name` },
    ]);
  }
  const embedded = config.mqttUrl === null;
  const serverPassword = embedded ? randomBytes(24).toString('base64url') : null;
  const admin = resolveAdminToken(config.adminToken, config.dataDir);
  const startedAt = clock.now();

  const db = openDatabase(options.databasePath ?? join(config.dataDir, DATABASE_FILE));
  const store = new PollStore(db);
  const book = new PollBook(store, logger.child('tally'));
  const stats = createStats(store.rejectionCounts());
  const rejections = new ThrottledLog({ logger: logger.child('votes'), what: 'rejected votes', intervalMs: options.logSummaryMs ?? 30_000 });

  // The parts refer to each other (votes -> receipts -> MQTT -> votes): they are
  // made first, then started in order by the lifecycle below.
  let link: ServerLink | null = null;
  const sink = { publish: (topic: string, payload: string, o: { qos: 0 | 1; retain: boolean }) => link?.publish(topic, payload, o) };
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
    sink,
    scheduler: clock,
    intervalMs: config.tallyIntervalMs,
    commit: () => log.flush(),
    snapshot: (pollId) => {
      const entry = book.get(pollId);
      return entry === undefined ? null : snapshotOf(entry.tally, clock.now());
    },
  });
  const polls = new PollService({ store, log, book, sink, tallies, topics, clock, logger });
  const ingest = new VoteIngest({
    topics,
    voteTopic: config.voteTopic,
    maxPayloadBytes: config.maxPayloadBytes,
    book,
    log,
    sink,
    clock,
    logger: logger.child('votes'),
    rejections,
    stats,
    changed: (pollId) => tallies.changed(pollId),
  });

  const serverClientId = config.mqttClientId ?? SERVER_CLIENT_ID;
  const accounts = new Accounts({
    serverPassword,
    serverClientId,
    devices: config.deviceAccounts,
    browser:
      config.browserUsername !== null && config.browserPassword !== null
        ? { username: config.browserUsername, password: config.browserPassword }
        : null,
  });
  const status = (): ServerStatus => ({
    version: packageVersion(),
    startedAt,
    broker: embedded ? 'embedded' : 'external',
    mqttConnected: link?.connected ?? false,
    polls: book.list().length,
    counted: stats.counted,
    duplicates: stats.duplicates,
    rejectedBy: { ...stats.rejectedBy },
    store: log.stats,
  });
  const http = new HttpServer({
    host: config.httpHost,
    port: config.httpPort,
    webRoot: options.webRoot ?? join(projectRoot(), 'web', 'dist'),
    browserConfig: browserConfig(config, topics),
    logger: logger.child('http'),
    ...(options.httpServerOverride === undefined ? {} : { server: options.httpServerOverride }),
    admin: { token: admin.token, polls, book, store, log, now: () => clock.now(), status },
  });
  const broker = embedded
    ? new EmbeddedBroker({
        host: config.mqttHost,
        mqttPort: config.mqttPort,
        httpServer: http.server,
        logger: logger.child('broker'),
        access: { rules: createAccessRules({ topics, voteTopic: config.voteTopic }), accounts },
      })
    : null;

  const lifecycle = new Lifecycle(logger);
  try {
    await lifecycle.start([
      {
        name: 'database',
        start: () => book.load(),
        stop: () => {
          log.flush();
          rejections.stop();
          db.close();
        },
      },
      http,
      ...(broker === null ? [] : [broker]),
      {
        name: 'mqtt',
        start: async () => {
          link = new ServerLink({
            clientId: serverClientId,
            url: broker === null ? (config.mqttUrl as string) : `mqtt://${localHost(config.mqttHost)}:${broker.mqttPort}`,
            username: embedded ? SERVER_ACCOUNT : config.mqttUsername,
            password: embedded ? serverPassword : config.mqttPassword,
            topics,
            voteTopic: config.voteTopic,
            logger: logger.child('mqtt'),
            onVote: (topic, payload, retained) => ingest.handle(topic, payload, retained),
            onReady: () => polls.publishAll(),
            waitMs: options.brokerWaitMs ?? 10_000,
            // A persistent session only where it outlives the server: on an external
            // broker it keeps the votes sent while the server restarts. The embedded
            // broker lives and dies with this process (its sessions are in memory), so
            // there it would keep nothing, and it costs: aedes' memory persistence
            // queues every QoS 1 vote for a persistent subscriber and finds each one
            // again by a linear scan of that queue (outgoingUpdate), so once the server
            // falls behind a fast publisher the queue grows and ingest collapses
            // (~20k -> a few hundred votes/s after ~700k votes, docs/performance.md).
            // The one case a clean session loses: votes in flight while this link
            // reconnects inside a running process; their senders get no receipt and
            // re-send them, as after any server restart.
            persistentSession: broker === null,
          });
          await link.start();
        },
        stop: async () => {
          // Commit and announce what arrived, then say goodbye.
          tallies.flush();
          await link?.stop();
          tallies.stop();
        },
      },
    ]);
  } catch (error) {
    if (db.open) db.close();
    throw error;
  }
  if (broker === null && config.mqttWsUrl === null) {
    logger.warn('MQTT_WS_URL is not set: browsers will try ws://<this host>/mqtt, which an external broker does not serve; set it to the broker\'s WebSocket listener');
  }

  const httpPort = http.port;
  const mqttUrl = broker === null ? (config.mqttUrl as string) : `mqtt://${localHost(config.mqttHost)}:${broker.mqttPort}`;
  return {
    httpPort,
    httpUrl: `http://${localHost(config.httpHost)}:${httpPort}`,
    mqttPort: broker?.mqttPort ?? null,
    mqttUrl,
    wsUrl: broker === null ? config.mqttWsUrl : `ws://${localHost(config.httpHost)}:${httpPort}${broker.wsPath}`,
    adminToken: admin.token,
    adminTokenSource: admin.source,
    polls,
    status,
    addDeviceAccount(deviceId: string) {
      if (!embedded) throw new Error('device accounts can be added only to the embedded broker');
      assertId('device id', deviceId);
      if (deviceId === SERVER_ACCOUNT) throw new Error(`${SERVER_ACCOUNT} is the server's own account`);
      const password = randomBytes(18).toString('base64url');
      accounts.addDevice(deviceId, password);
      return { username: deviceId, password };
    },
    stop: () => lifecycle.stop(),
  };
}

/** Where a local client reaches a listener bound to `host` (0.0.0.0 means every address). */
function localHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
