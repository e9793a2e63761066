import type { Logger } from '../../runtime/logger.js';
import type { Topics } from '../../shared/topics.js';
import { SERVER_ACCOUNT } from '../access/accounts.js';

/** Where the server's messages go: its MQTT client, or a recorder in unit tests. */
export interface MqttLink {
  publish(topic: string, payload: string, options: { qos: 0 | 1; retain: boolean }): void;
}

/**
 * The hub's session with its broker, the port the server's wiring depends on. Two
 * adapters: ServerLink, an MQTT client (any broker: MQTT_URL, the cluster), and
 * InProcessLink, inside the embedded broker's own process (no socket, no codec).
 * test/server/mqtt/hub-link.contract.ts holds what both must do.
 */
export interface HubLink extends MqttLink {
  /** Subscribed and able to publish. */
  readonly connected: boolean;
  /** What local MQTT clients connect to (the broker, or the cluster node in use); throws before start(). */
  readonly url: string;
  /** Subscribes (votes, chat, room view), then `onReady` and the retained `online`. */
  start(): Promise<void>;
  /** Publishes the retained `offline`, then leaves the broker. */
  stop(): Promise<void>;
}

/** What a hub link hands over and asks, whichever adapter carries it. */
export interface HubLinkHandlers {
  topics: Topics;
  voteTopic: string | null;
  logger: Logger;
  /** Every message on a vote topic. */
  onVote: (topic: string, payload: Buffer, retained: boolean) => void;
  /** Every message on a chat topic (`<prefix>/chat/+`, subscribed at QoS 0 when given): the chat history. */
  onChat?: (topic: string, payload: Buffer, retained: boolean) => void;
  /**
   * The room view's topics (device status and info, bread, `$SYS` clients): each
   * subscribed on its own, so a broker whose ACL refuses one (an older ACL file)
   * costs that part of the view only, never the votes.
   */
  room?: {
    readonly filters: readonly string[];
    handle(topic: string, payload: Buffer, retained: boolean): void;
    /** The link connected or lost the broker (the room view shows it). */
    connectionChanged(): void;
  };
  /** After each (re)connect and subscription: republish what is retained. */
  onReady: () => void;
  /** What the status topic says once connected: `online`, or `not-storing` while commits fail. */
  presence?: () => 'online' | 'not-storing';
}

/** The server's presence topic: `<prefix>/devices/classroom-server/status`. */
export function serverStatusTopic(topics: Topics): string {
  return topics.deviceStatus(SERVER_ACCOUNT);
}

/** The vote filters: every poll's, and the legacy topic when there is one. */
export function voteFilters(ctx: Pick<HubLinkHandlers, 'topics' | 'voteTopic'>): string[] {
  return [ctx.topics.allVotes, ...(ctx.voteTopic === null ? [] : [ctx.voteTopic])];
}
