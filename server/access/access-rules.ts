import { isValidId } from '../../shared/ids.js';
import { HOME_ASSISTANT_PREFIX, type Topics } from '../../shared/topics.js';
import { filtersOverlap, topicMatches } from '../../shared/topic-filter.js';

/** Who a broker client is, once authenticated (docs/architecture.md, SPEC §8). */
export type Role =
  | { readonly kind: 'anonymous' }
  /** The low-privilege account browsers use with the secure profile: same rights as anonymous. */
  | { readonly kind: 'voter' }
  | { readonly kind: 'device'; readonly deviceId: string }
  /**
   * The hub. On a cluster node serving several rooms (server/access/rooms.ts), `room`
   * is the prefix of the room whose hub this is; no room: the node's first room.
   */
  | { readonly kind: 'server'; readonly room?: string };

export const ANONYMOUS: Role = Object.freeze({ kind: 'anonymous' });

export interface AccessRules {
  /**
   * Whether this client may publish on `topic`; with `retain`, whether it may also
   * leave the message retained (SPEC §4: only where the table says "retained").
   */
  canPublish(role: Role, topic: string, retain?: boolean): boolean;
  /** Whether a message on `topic` may be delivered to this client (its MQTT client id). */
  canRead(role: Role, topic: string, clientId: string): boolean;
  /** Whether a subscription could ever deliver something readable (else it is refused). */
  canSubscribe(role: Role, filter: string, clientId: string): boolean;
}

export interface AccessRulesOptions {
  topics: Topics;
  /** The legacy vote topic (`test/phone`): anyone may publish and read it. */
  voteTopic: string | null;
}

/**
 * The access table of docs/architecture.md as code: the embedded broker enforces
 * it, and the locked-down Mosquitto profile writes the same table as an ACL file.
 *
 * Receipts are the one per-client rule: `P/receipts/<level>` is readable only by
 * the client whose MQTT client id is `<level>` (Mosquitto: `pattern read
 * P/receipts/%c`), and by the server. A receipt topic names its voter's address,
 * so a classmate on `receipts/+` or `#` would otherwise learn whom to impersonate
 * (docs/protocol.md, "Voter privacy"). Like Mosquitto, a client id that is not a
 * valid topic level gets no receipts.
 */
export function createAccessRules(options: AccessRulesOptions): AccessRules {
  const { topics, voteTopic } = options;
  const legacy = voteTopic === null ? [] : [voteTopic];
  const everyonePublishes = [topics.allVotes, topics.allChat, ...legacy];
  const everyoneReads = [
    topics.allPolls,
    topics.allTallies,
    topics.leaderboard,
    topics.allDeviceStatus,
    topics.allDeviceInfo,
    topics.allChat,
    topics.bread,
    topics.breadTemperature,
    topics.breadBake,
    ...legacy,
  ];
  const serverOwns = [`${topics.prefix}/#`];

  const publishable = (role: Role): readonly string[] => {
    switch (role.kind) {
      case 'anonymous':
      case 'voter':
        return everyonePublishes;
      case 'device':
        return [
          ...everyonePublishes,
          `${topics.prefix}/devices/${role.deviceId}/#`,
          `${topics.bread}/#`,
          `${HOME_ASSISTANT_PREFIX}/#`,
        ];
      case 'server':
        return serverOwns;
    }
  };
  const ownReceipts = (clientId: string): readonly string[] => (isValidId(clientId) ? [`${topics.prefix}/receipts/${clientId}`] : []);
  // Where a message may stay retained (SPEC §4, §8): a retained chat line or vote
  // would greet every visitor forever (and a 20 MB one, every page load).
  const retainable = (role: Role): readonly string[] => {
    switch (role.kind) {
      case 'anonymous':
      case 'voter':
        return [];
      case 'device':
        return [topics.deviceStatus(role.deviceId), topics.deviceInfo(role.deviceId), topics.bread, `${topics.bread}/#`, `${HOME_ASSISTANT_PREFIX}/#`];
      case 'server':
        return serverOwns;
    }
  };
  const readable = (role: Role, clientId: string): readonly string[] => {
    switch (role.kind) {
      case 'anonymous':
      case 'voter':
        return [...everyoneReads, ...ownReceipts(clientId)];
      case 'device':
        return [...everyoneReads, ...ownReceipts(clientId), `${HOME_ASSISTANT_PREFIX}/status`];
      case 'server':
        // The bread topics too: the hub keeps the bake's readings (docs/server.md).
        return [...serverOwns, topics.bread, topics.breadTemperature, ...legacy];
    }
  };

  return {
    canPublish: (role, topic, retain = false) =>
      !topic.startsWith('$') &&
      publishable(role).some((filter) => topicMatches(filter, topic)) &&
      (!retain || retainable(role).some((filter) => topicMatches(filter, topic))),
    canRead: (role, topic, clientId) => readable(role, clientId).some((filter) => topicMatches(filter, topic)),
    canSubscribe: (role, filter, clientId) => readable(role, clientId).some((allowed) => filtersOverlap(allowed, filter)),
  };
}
