import { randomBytes } from 'node:crypto';
import type { ServerEnv } from '../runtime/env.js';
import { localHost } from '../runtime/network.js';
import { packageVersion } from '../runtime/package-info.js';
import { assertId } from '../shared/ids.js';
import { SERVER_ACCOUNT } from './access/accounts.js';
import type { AdminToken } from './admin-token.js';
import type { EmbeddedBroker } from './broker/embedded-broker.js';
import { signInUrl } from './http/admin-api.js';
import type { HttpServer } from './http/http-server.js';
import type { TeacherSessions } from './http/teacher-sessions.js';
import type { HubLink } from './mqtt/mqtt-link.js';
import type { PollService } from './polls/poll-service.js';
import type { StoreHealthStatus } from './store/store-health.js';
import type { VoteLogStats } from './store/vote-log.js';
import type { BrokerChoice } from './wiring/mqtt-side.js';
import type { VoteCore } from './wiring/vote-core.js';

export interface ServerStatus {
  readonly version: string;
  readonly startedAt: number;
  readonly broker: 'embedded' | 'external';
  readonly mqttConnected: boolean;
  readonly polls: number;
  readonly counted: number;
  readonly duplicates: number;
  readonly rejectedBy: Readonly<Record<string, number>>;
  readonly store: VoteLogStats & StoreHealthStatus;
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
  /** A new one-time sign-in link to the teacher's page (`/prof`), valid 15 minutes. */
  signInLink(): string;
  /**
   * Embedded broker only: a device account (username = device id) with a fresh
   * password, for an in-process device such as the demo's simulated box.
   */
  addDeviceAccount(deviceId: string): { username: string; password: string };
  /** Commits pending votes, publishes `offline`, stops the broker, closes the database. */
  stop(): Promise<void>;
}

/** What `GET /api/status` reports, read at each call. */
export function statusOf(parts: { startedAt: number; choice: BrokerChoice; link: HubLink; core: VoteCore }): () => ServerStatus {
  const { startedAt, choice, link, core } = parts;
  return () => ({
    version: packageVersion(),
    startedAt,
    broker: choice.embedded ? 'embedded' : 'external',
    mqttConnected: link.connected,
    polls: core.book.list().length,
    counted: core.stats.counted,
    duplicates: core.stats.duplicates,
    rejectedBy: { ...core.stats.rejectedBy },
    store: { ...core.log.stats, ...core.health.status },
  });
}

/** The started server as its callers see it: where to reach it, and how to stop it. */
export function runningServer(parts: {
  config: ServerEnv;
  admin: AdminToken;
  choice: BrokerChoice;
  http: HttpServer;
  broker: EmbeddedBroker | null;
  link: HubLink;
  polls: PollService;
  status: () => ServerStatus;
  sessions: TeacherSessions;
  publicUrl: string | null;
  stop: () => Promise<void>;
}): RunningServer {
  const { config, admin, choice, http, broker, link } = parts;
  const httpPort = http.port;
  const httpUrl = `http://${localHost(config.httpHost)}:${httpPort}`;
  return {
    httpPort,
    httpUrl,
    mqttPort: broker?.mqttPort ?? null,
    // A getter: with several nodes in MQTT_URL the link moves between them.
    get mqttUrl() {
      return link.url;
    },
    wsUrl: broker === null ? (config.mqttWsUrls?.[0] ?? null) : `ws://${localHost(config.httpHost)}:${httpPort}${broker.wsPath}`,
    adminToken: admin.token,
    adminTokenSource: admin.source,
    polls: parts.polls,
    status: parts.status,
    signInLink: () => signInUrl(parts.publicUrl ?? httpUrl, parts.sessions.mintLink().token),
    addDeviceAccount(deviceId: string) {
      if (!choice.embedded) throw new Error('device accounts can be added only to the embedded broker');
      assertId('device id', deviceId);
      if (deviceId === SERVER_ACCOUNT) throw new Error(`${SERVER_ACCOUNT} is the server's own account`);
      const password = randomBytes(18).toString('base64url');
      choice.accounts.addDevice(deviceId, password);
      return { username: deviceId, password };
    },
    stop: parts.stop,
  };
}
