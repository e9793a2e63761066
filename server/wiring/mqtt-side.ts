import type { BrokerUrls } from '../../shared/broker-urls.js';
import { randomBytes } from 'node:crypto';
import type { Server as NodeHttpServer } from 'node:http';
import { type ServerEnv, brokerLimitsFrom } from '../../runtime/env.js';
import type { Logger } from '../../runtime/logger.js';
import { localHost } from '../../runtime/network.js';
import { ConfigError } from '../../shared/errors/config-error.js';
import { type Topics, parseTopic } from '../../shared/topics.js';
import { createAccessRules } from '../access/access-rules.js';
import { Accounts, SERVER_ACCOUNT, SERVER_CLIENT_ID } from '../access/accounts.js';
import type { ChatMutes } from '../broker/access-hooks.js';
import { EmbeddedBroker } from '../broker/embedded-broker.js';
import { InProcessLink } from '../mqtt/in-process-link.js';
import type { HubLink } from '../mqtt/mqtt-link.js';
import { ServerLink, type ServerLinkContext } from '../mqtt/server-link.js';

/** Which broker the server uses, and who may log in to the embedded one. */
export interface BrokerChoice {
  /** No MQTT_URL: the server runs its own broker. */
  readonly embedded: boolean;
  /** The server account's password on the embedded broker, made at each start; null on an external one. */
  readonly serverPassword: string | null;
  readonly serverClientId: string;
  readonly accounts: Accounts;
}

export function chooseBroker(config: ServerEnv): BrokerChoice {
  if (config.deviceAccounts.has(SERVER_ACCOUNT)) {
    throw new ConfigError('The environment (.env)', [
      { path: 'DEVICE_ACCOUNTS', message: `${SERVER_ACCOUNT} is the server's own account: give the device another name` },
    ]);
  }
  const embedded = config.mqttUrls === null;
  const serverPassword = embedded ? randomBytes(24).toString('base64url') : null;
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
  return { embedded, serverPassword, serverClientId, accounts };
}

/** The embedded broker, its WebSocket on the pages' HTTP server; null with MQTT_URL. */
export function createEmbeddedBroker(
  choice: BrokerChoice,
  ctx: { config: ServerEnv; topics: Topics; httpServer: NodeHttpServer; logger: Logger; chat?: { isMuted(name: string): boolean } },
): EmbeddedBroker | null {
  if (!choice.embedded) return null;
  const { config, topics } = ctx;
  return new EmbeddedBroker({
    host: config.mqttHost,
    mqttPort: config.mqttPort,
    httpServer: ctx.httpServer,
    logger: ctx.logger,
    limits: brokerLimitsFrom(config),
    access: {
      rules: createAccessRules({ topics, voteTopic: config.voteTopic }),
      accounts: choice.accounts,
      ...(ctx.chat === undefined ? {} : { chat: chatMutes(topics, ctx.chat) }),
    },
  });
}

/** The teacher's chat mutes as the broker's hooks read them. */
function chatMutes(topics: Topics, chat: { isMuted(name: string): boolean }): ChatMutes {
  return {
    nameOf: (topic) => {
      const parsed = parseTopic(topics, topic);
      return parsed?.kind === 'chat' ? parsed.name : null;
    },
    isMuted: (name) => chat.isMuted(name),
  };
}

/** What local MQTT clients connect to: MQTT_URL, or the embedded broker once it listens. */
export function brokerUrls(config: ServerEnv, broker: EmbeddedBroker | null): BrokerUrls {
  if (broker === null && config.mqttUrls === null) throw new Error('no MQTT_URL and no embedded broker');
  return broker === null ? (config.mqttUrls as BrokerUrls) : [`mqtt://${localHost(config.mqttHost)}:${broker.mqttPort}`];
}

/**
 * The server's own session: on the embedded broker, inside it (InProcessLink,
 * no socket to itself); on an external broker or a cluster node, an MQTT client
 * with the account that matches the broker (ServerLink).
 */
export function createServerLink(
  choice: BrokerChoice,
  ctx: Pick<ServerLinkContext, 'url' | 'topics' | 'voteTopic' | 'logger' | 'onVote' | 'onChat' | 'room' | 'onReady' | 'presence' | 'waitMs' | 'scheduler'> & {
    config: ServerEnv;
    /** The embedded broker, asked at start (null with MQTT_URL). */
    broker: () => EmbeddedBroker | null;
  },
): HubLink {
  const { config, broker, ...link } = ctx;
  if (choice.embedded) {
    // The hub and aedes share one thread: a TCP client to it made every vote
    // and every receipt cross the MQTT codec twice on that thread
    // (docs/performance.md, "the hub inside its broker"). In the broker's own
    // process there is also nothing a persistent session could outlive.
    return new InProcessLink({
      ...link,
      broker: () => {
        const embedded = broker();
        if (embedded === null) throw new Error('the embedded broker is not made: the in-process link needs it');
        return embedded.broker;
      },
    });
  }
  return new ServerLink({
    ...link,
    clientId: choice.serverClientId,
    username: config.mqttUsername,
    password: config.mqttPassword,
    // A persistent session where it outlives the server: on an external broker
    // it keeps the votes sent while the server restarts. (On aedes it used to
    // cost: its memory persistence queues every QoS 1 vote for a persistent
    // subscriber and finds each one again by a linear scan of that queue, so
    // ingest collapsed once the server fell behind, docs/performance.md; the
    // embedded broker's hub is in-process now.)
    persistentSession: true,
  });
}
