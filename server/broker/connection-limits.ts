import type { Clock } from '../../shared/scheduler.js';

/**
 * How many sessions the public may hold, and for how long in silence (SPEC §8, "a
 * hostile classroom"). A Pi's service gets 1,024 open files: without a cap, a
 * script that opens a thousand sessions and stays silent starves the hub of the
 * files its own HTTP server, database and broker sessions need.
 */
export interface ConnectionLimitsOptions {
  /** Sessions of anonymous and voter clients, all addresses together. */
  maxConnections: number;
  /** Sessions of anonymous and voter clients from one IP address. */
  maxPerAddress: number;
  /** A public session that sends nothing for 1.5 × this long is closed, whatever keepalive it asked for (0 included). */
  maxKeepaliveMs: number;
  clock: Clock;
}

/** One session, as the limits see it. `close` ends its connection. */
export interface LimitedSession {
  readonly address: string;
  /** The hub's own accounts (the server, device agents): never counted, never shed. */
  readonly hub: boolean;
  /** When the session last sent a packet. */
  lastSeen: number;
  /** Whether it sent anything after its CONNECT: an honest client subscribes or publishes at once. */
  spoke: boolean;
  close(why: string): void;
}

export type Admission = { ok: true; shed: LimitedSession | null; limit: 'total' | 'per-address' | null } | { ok: false; limit: 'total' | 'per-address' };

/**
 * Admits sessions after CONNECT. At a limit, the quietest public session makes
 * room: first one that never spoke after its CONNECT (the idle-script pattern),
 * the one silent longest among those; else the one silent longest. The
 * newcomer is refused only when no other public session is there to shed.
 */
export class ConnectionLimits {
  private readonly sessions = new Set<LimitedSession>();
  private readonly byAddress = new Map<string, Set<LimitedSession>>();
  private publicCount = 0;

  constructor(private readonly options: ConnectionLimitsOptions) {}

  get publicSessions(): number {
    return this.publicCount;
  }

  admit(session: LimitedSession): Admission {
    if (session.hub) {
      this.sessions.add(session);
      return { ok: true, shed: null, limit: null };
    }
    const sameAddress = this.byAddress.get(session.address) ?? new Set<LimitedSession>();
    let limit: 'total' | 'per-address' | null = null;
    let shed: LimitedSession | null = null;
    if (sameAddress.size >= this.options.maxPerAddress) {
      limit = 'per-address';
      shed = quietest(sameAddress);
    } else if (this.publicCount >= this.options.maxConnections) {
      limit = 'total';
      shed = quietest(this.everyPublic());
    }
    if (limit !== null && shed === null) return { ok: false, limit };
    if (shed !== null) {
      this.remove(shed);
      shed.close(limit === 'per-address' ? `more than ${this.options.maxPerAddress} connections from ${shed.address}` : `more than ${this.options.maxConnections} connections`);
    }
    this.sessions.add(session);
    sameAddress.add(session);
    this.byAddress.set(session.address, sameAddress);
    this.publicCount += 1;
    return { ok: true, shed, limit };
  }

  remove(session: LimitedSession): void {
    if (!this.sessions.delete(session) || session.hub) return;
    this.publicCount -= 1;
    const sameAddress = this.byAddress.get(session.address);
    sameAddress?.delete(session);
    if (sameAddress?.size === 0) this.byAddress.delete(session.address);
  }

  /** Closes the public sessions silent past the server-side keepalive; returns how many. */
  sweep(): number {
    const deadline = this.options.clock.now() - this.options.maxKeepaliveMs * 1.5;
    let closed = 0;
    for (const session of [...this.sessions]) {
      if (session.hub || session.lastSeen > deadline) continue;
      this.remove(session);
      session.close(`silent for more than ${Math.round((this.options.maxKeepaliveMs * 1.5) / 1000)} s`);
      closed += 1;
    }
    return closed;
  }

  private *everyPublic(): Iterable<LimitedSession> {
    for (const session of this.sessions) if (!session.hub) yield session;
  }
}

function quietest(sessions: Iterable<LimitedSession>): LimitedSession | null {
  let best: LimitedSession | null = null;
  for (const session of sessions) {
    if (session.hub) continue;
    if (best === null || rank(session) < rank(best)) best = session;
  }
  return best;
}

/** Lower first: never spoke, then silent longest. */
function rank(session: LimitedSession): number {
  return (session.spoke ? 1e15 : 0) + session.lastSeen;
}
