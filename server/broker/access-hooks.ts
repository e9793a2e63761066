import type { AedesOptions, AuthenticateError, Client } from 'aedes';
import type { Logger } from '../../runtime/logger.js';
import { systemScheduler } from '../../runtime/scheduler.js';
import { ANONYMOUS, type AccessRules, type Role } from '../access/access-rules.js';
import type { Accounts } from '../access/accounts.js';
import { ThrottledLog } from '../logging/throttled-log.js';

export interface BrokerAccess {
  rules: AccessRules;
  accounts: Accounts;
  /**
   * The teacher's chat mutes (server/chat/chat-history.ts), enforced here: a chat
   * publish under a muted name is acknowledged and dropped, and so is every later
   * chat publish of that connection, whatever name it takes next.
   */
  chat?: ChatMutes;
}

export interface ChatMutes {
  /** The chat name a topic is for, null when it is not a chat topic. */
  nameOf(topic: string): string | null;
  isMuted(name: string): boolean;
}

type Hooks = Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>>;

// CONNACK return codes of MQTT 3.1.1 (aedes' AuthErrorCode is a const enum).
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;

/**
 * Where a refused publish goes: no client may subscribe to a `$` topic here
 * (canSubscribe) nor read one (canRead), so the message reaches nobody and, its
 * retain flag cleared, is never stored.
 */
export const REFUSED_TOPIC = '$mqtt-classroom/refused';

/**
 * SPEC §8 in aedes' hooks. A refused publish is acknowledged and dropped, as
 * Mosquitto 2.0 does for an ACL denial on MQTT 3.1.1 (which has no "not
 * authorised" PUBACK): aedes' own answer, done(error), closes the connection, and
 * a phone app pointed at the wrong topic then reconnects and republishes in a
 * loop. So a forged tally never reaches anyone and the offender stays connected,
 * logged once per connection. A retained publish where SPEC §4 retains nothing
 * (a chat line, a vote) is delivered without its retain flag. A refused subscription gets a failure SUBACK; and
 * every delivery is filtered by what the receiver may read, as Mosquitto's ACL
 * does, so `mosquitto_sub -t '#'` works and shows what that account may see.
 */
export function accessHooks(access: BrokerAccess, logger: Logger): Hooks & { stop(): void; isHub(client: Client): boolean } {
  const roles = new WeakMap<Client, Role>();
  const roleOf = (client: Client | null): Role => (client === null ? ANONYMOUS : (roles.get(client) ?? ANONYMOUS));
  const denied = new ThrottledLog({ logger, what: 'refused broker operations', intervalMs: 30_000, scheduler: systemScheduler });
  const describe = (role: Role) => (role.kind === 'device' ? `device ${role.deviceId}` : role.kind);
  /** Clients whose first refused publish was logged; the next ones are only counted. */
  const refusedOnce = new WeakSet<Client>();
  /** Connections caught chatting under a muted name: their chat is dropped, under any name, while that name stays muted. */
  const caught = new WeakMap<Client, string>();
  const mutedChat = (client: Client | null, role: Role, topic: string): string | null => {
    const chat = access.chat;
    if (chat === undefined || client === null || role.kind === 'server') return null;
    const name = chat.nameOf(topic);
    if (name === null) return null;
    if (chat.isMuted(name)) {
      caught.set(client, name);
      return name;
    }
    const as = caught.get(client);
    return as !== undefined && chat.isMuted(as) ? as : null;
  };

  return {
    authenticate(client, username, password, done) {
      const result = access.accounts.login(client.id, username, password);
      if (result.ok) {
        roles.set(client, result.role);
        done(null, true);
        return;
      }
      const why = result.why === 'bad-credentials' ? 'wrong username or password' : 'client id reserved for another account';
      denied.note(`connect:${result.why}`, `refused a connection: ${why}`, { clientId: client.id, username: username ?? '' });
      const error = new Error(why) as AuthenticateError;
      (error as { returnCode: number }).returnCode = result.why === 'bad-credentials' ? BAD_USERNAME_OR_PASSWORD : IDENTIFIER_REJECTED;
      done(error, false);
    },
    authorizePublish(client, packet, done) {
      const role = roleOf(client);
      const muted = mutedChat(client, role, packet.topic);
      if (muted !== null && client !== null) {
        if (!refusedOnce.has(client)) {
          refusedOnce.add(client);
          logger.warn(`refused the chat of a muted name (${muted}) by ${describe(role)} (acknowledged and dropped); logged once per connection`, { clientId: client.id });
        }
        packet.retain = false;
        packet.topic = REFUSED_TOPIC;
        done(null);
        return;
      }
      if (access.rules.canPublish(role, packet.topic, packet.retain)) {
        done(null);
        return;
      }
      const allowed = packet.retain && access.rules.canPublish(role, packet.topic);
      const what = allowed ? `retain flag on ${packet.topic} (delivered, not retained)` : `publish on ${packet.topic} (acknowledged and dropped)`;
      // Once per connection: a phone app retrying the wrong topic every second
      // must not fill the log (SPEC §8).
      if (client !== null && !refusedOnce.has(client)) {
        refusedOnce.add(client);
        logger.warn(`refused the ${what} by ${describe(role)}; logged once per connection`, { clientId: client.id });
      }
      // aedes lets this hook rewrite the packet (docs/Aedes.md). Not retained, it
      // is never stored; aimed where nobody reads, it is PUBACKed and goes nowhere.
      packet.retain = false;
      if (!allowed) packet.topic = REFUSED_TOPIC;
      done(null);
    },
    authorizeSubscribe(client, subscription, done) {
      const role = roleOf(client);
      if (access.rules.canSubscribe(role, subscription.topic, client.id)) {
        done(null, subscription);
        return;
      }
      denied.note(`subscribe:${role.kind}`, `refused a subscription to ${subscription.topic} by ${describe(role)}`, { clientId: client.id });
      done(null, null);
    },
    authorizeForward(client, packet) {
      return access.rules.canRead(roleOf(client), packet.topic, client.id) ? packet : null;
    },
    stop: () => denied.stop(),
    /** The hub's own accounts, which the connection limits never count nor shed. */
    isHub: (client) => {
      const kind = roleOf(client).kind;
      return kind === 'server' || kind === 'device';
    },
  };
}
