import { timingSafeEqual } from 'node:crypto';
import { ANONYMOUS, type Role } from './access-rules.js';

/** The server's own broker account (docs/architecture.md). */
export const SERVER_ACCOUNT = 'classroom-server';
/** The server's fixed MQTT client id: its persistent session holds the queued votes. */
export const SERVER_CLIENT_ID = 'mqtt-classroom-server';
/** Client ids of device agents: `mqtt-classroom-device-<deviceId>`. */
export const DEVICE_CLIENT_ID_PREFIX = 'mqtt-classroom-device-';

export interface AccountsContext {
  /** The server's password, known only to this process; null: nobody is the server. */
  serverPassword: string | null;
  /** device id -> password (DEVICE_ACCOUNTS). */
  devices: ReadonlyMap<string, string>;
  /** The browsers' low-privilege account, when configured. */
  browser: { username: string; password: string } | null;
  /** The server's client id, reserved for the server account (default SERVER_CLIENT_ID). */
  serverClientId?: string;
  /**
   * A cluster node serving several rooms: room prefix -> the password of that room's
   * hub, which logs in as `classroom-server@<prefix>` (hubAccountName) and may use
   * only its room's topics. Its client id `mqtt-classroom-server-<prefix>` is reserved to it.
   */
  hubs?: ReadonlyMap<string, string>;
}

/** The broker account of one room's hub on a node serving several rooms (HUB_ACCOUNTS). */
export function hubAccountName(prefix: string): string {
  return `${SERVER_ACCOUNT}@${prefix}`;
}

/** The client id reserved to one room's hub on a node serving several rooms. */
export function hubClientId(prefix: string): string {
  return `${SERVER_CLIENT_ID}-${prefix}`;
}

export type LoginResult = { ok: true; role: Role } | { ok: false; why: 'bad-credentials' | 'reserved-client-id' };

/**
 * Who may log in to the embedded broker, and as what. No username is an anonymous
 * voter; a username must come with its exact password. Device accounts can be added
 * at run time (the demo's simulated device gets one).
 */
export class Accounts {
  private readonly devices: Map<string, string>;

  constructor(private readonly ctx: AccountsContext) {
    this.devices = new Map(ctx.devices);
  }

  addDevice(deviceId: string, password: string): void {
    this.devices.set(deviceId, password);
  }

  login(clientId: string, username: string | undefined, password: Buffer | undefined): LoginResult {
    const role = this.roleOf(username, password);
    if (role === null) return { ok: false, why: 'bad-credentials' };
    // A client id names a persistent session: taking the server's (or a device's)
    // would steal the votes queued for it, so those ids need the matching account.
    if (clientId === (this.ctx.serverClientId ?? SERVER_CLIENT_ID) && role.kind !== 'server') return { ok: false, why: 'reserved-client-id' };
    for (const prefix of this.ctx.hubs?.keys() ?? []) {
      if (clientId === hubClientId(prefix) && !(role.kind === 'server' && role.room === prefix)) return { ok: false, why: 'reserved-client-id' };
    }
    if (clientId.startsWith(DEVICE_CLIENT_ID_PREFIX)) {
      const deviceId = clientId.slice(DEVICE_CLIENT_ID_PREFIX.length);
      if (this.devices.has(deviceId) && !(role.kind === 'device' && role.deviceId === deviceId)) {
        return { ok: false, why: 'reserved-client-id' };
      }
    }
    return { ok: true, role };
  }

  private roleOf(username: string | undefined, password: Buffer | undefined): Role | null {
    if (username === undefined || username === '') return ANONYMOUS;
    const given = password ?? Buffer.alloc(0);
    if (username === SERVER_ACCOUNT) {
      const expected = this.ctx.serverPassword;
      return expected !== null && sameSecret(given, expected) ? { kind: 'server' } : null;
    }
    if (username.startsWith(`${SERVER_ACCOUNT}@`)) {
      const room = username.slice(SERVER_ACCOUNT.length + 1);
      const expected = this.ctx.hubs?.get(room);
      return expected !== undefined && sameSecret(given, expected) ? { kind: 'server', room } : null;
    }
    const devicePassword = this.devices.get(username);
    if (devicePassword !== undefined) {
      return sameSecret(given, devicePassword) ? { kind: 'device', deviceId: username } : null;
    }
    const browser = this.ctx.browser;
    if (browser !== null && username === browser.username) {
      return sameSecret(given, browser.password) ? { kind: 'voter' } : null;
    }
    return null;
  }
}

function sameSecret(given: Buffer, expected: string): boolean {
  const want = Buffer.from(expected, 'utf8');
  return given.length === want.length && timingSafeEqual(given, want);
}
