import type { AedesOptions, AuthenticateError, Client } from 'aedes';
import type { Logger } from '../../runtime/logger.js';
import { systemScheduler } from '../../runtime/scheduler.js';
import { ANONYMOUS, type AccessRules, type Role } from '../access/access-rules.js';
import type { Accounts } from '../access/accounts.js';
import { ThrottledLog } from '../logging/throttled-log.js';

export interface BrokerAccess {
  rules: AccessRules;
  accounts: Accounts;
}

type Hooks = Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>>;

// CONNACK return codes of MQTT 3.1.1 (aedes' AuthErrorCode is a const enum).
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;

/**
 * SPEC §8 in aedes' hooks. A refused publish closes the offender's connection
 * (aedes' only answer: MQTT 3.1.1 has no "not authorised" PUBACK), so a forged
 * tally never reaches anyone; a refused subscription gets a failure SUBACK; and
 * every delivery is filtered by what the receiver may read, as Mosquitto's ACL
 * does, so `mosquitto_sub -t '#'` works and shows what that account may see.
 */
export function accessHooks(access: BrokerAccess, logger: Logger): Hooks & { stop(): void } {
  const roles = new WeakMap<Client, Role>();
  const roleOf = (client: Client | null): Role => (client === null ? ANONYMOUS : (roles.get(client) ?? ANONYMOUS));
  const denied = new ThrottledLog({ logger, what: 'refused broker operations', intervalMs: 30_000, scheduler: systemScheduler });
  const describe = (role: Role) => (role.kind === 'device' ? `device ${role.deviceId}` : role.kind);

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
      if (access.rules.canPublish(role, packet.topic)) {
        done(null);
        return;
      }
      denied.note(`publish:${role.kind}`, `refused a publish on ${packet.topic} by ${describe(role)}; the client is disconnected`, {
        clientId: client?.id ?? '',
      });
      done(new Error(`not allowed to publish on ${packet.topic}`));
    },
    authorizeSubscribe(client, subscription, done) {
      const role = roleOf(client);
      if (access.rules.canSubscribe(role, subscription.topic)) {
        done(null, subscription);
        return;
      }
      denied.note(`subscribe:${role.kind}`, `refused a subscription to ${subscription.topic} by ${describe(role)}`, { clientId: client.id });
      done(null, null);
    },
    authorizeForward(client, packet) {
      return access.rules.canRead(roleOf(client), packet.topic) ? packet : null;
    },
    stop: () => denied.stop(),
  };
}
