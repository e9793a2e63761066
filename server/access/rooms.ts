import { ConfigError } from '../../shared/errors/config-error.js';
import { createTopics } from '../../shared/topics.js';
import { type AccessRules, type Role, createAccessRules } from './access-rules.js';

export interface RoomsOptions {
  /** The prefixes served, the first one first (its hub may also be the plain `classroom-server`). */
  prefixes: readonly string[];
  /** The legacy vote topic, for the first room only. */
  voteTopic: string | null;
}

/**
 * The access rules of several rooms on one broker (SPEC §9, "One hub per
 * classroom"): each room's rules are the embedded broker's (createAccessRules,
 * not a copy). A room's hub (`{ kind: 'server', room }`) gets its own room's
 * rules only, so it can neither read nor write another room's topics; the plain
 * server account is the first room's hub. Everyone else gets what any room allows
 * (a phone of room 12 and one of room 14 are the same anonymous client to the
 * broker; devices and the bread topics are the building's).
 */
export function createRoomsAccessRules(options: RoomsOptions): AccessRules {
  const [first, ...others] = options.prefixes;
  if (first === undefined) throw new ConfigError('--prefix', [{ path: '--prefix', message: 'a node serves at least one room: give --prefix P or TOPIC_PREFIX' }]);
  const rooms = new Map<string, AccessRules>();
  rooms.set(first, createAccessRules({ topics: createTopics({ prefix: first }), voteTopic: options.voteTopic }));
  for (const prefix of others) {
    if (rooms.has(prefix)) continue;
    rooms.set(prefix, createAccessRules({ topics: createTopics({ prefix }), voteTopic: null }));
  }
  if (rooms.size === 1) return rooms.get(first) as AccessRules;
  const all = [...rooms.values()];
  // A hub whose room the node does not serve is nobody's hub: no rights at all.
  const hubRules = (role: Role & { kind: 'server' }): AccessRules | null => rooms.get(role.room ?? first) ?? null;
  return {
    canPublish: (role, topic, retain) =>
      role.kind === 'server' ? (hubRules(role)?.canPublish(role, topic, retain) ?? false) : all.some((rules) => rules.canPublish(role, topic, retain)),
    canRead: (role, topic, clientId) =>
      role.kind === 'server' ? (hubRules(role)?.canRead(role, topic, clientId) ?? false) : all.some((rules) => rules.canRead(role, topic, clientId)),
    canSubscribe: (role, filter, clientId) =>
      role.kind === 'server' ? (hubRules(role)?.canSubscribe(role, filter, clientId) ?? false) : all.some((rules) => rules.canSubscribe(role, filter, clientId)),
  };
}
