import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface TeacherSessionsContext {
  /** The admin secret (ADMIN_TOKEN or the DATA_DIR file): sessions are signed with a key made from it. */
  secret: string;
  now: () => number;
  /** How long a session lasts (default 7 days: a teacher signs in once per browser, not once per lesson). */
  sessionMs?: number;
  /** How long a sign-in link works (default 15 minutes), and it works once. */
  linkMs?: number;
}

export interface SignInLink {
  readonly token: string;
  readonly expiresAt: number;
}

export interface IssuedSession {
  readonly value: string;
  readonly expiresAt: number;
}

const DEFAULT_SESSION_MS = 7 * 24 * 60 * 60 * 1000;
const DEFAULT_LINK_MS = 15 * 60 * 1000;
/** Sign-in links alive at once: a script calling `prof-link` in a loop cannot grow memory. */
const MAX_LINKS = 32;

/**
 * The teacher's browser sessions (`/prof`). A session is a signed cookie value
 * (`<expiry>.<nonce>.<mac>`), so it survives a server restart and dies when the
 * admin secret changes; signing out revokes its nonce until its expiry. A
 * sign-in link carries a random token that works once and for a short time: the
 * link is printed on a terminal and may be photographed, the secret never is.
 */
export class TeacherSessions {
  private readonly key: Buffer;
  private readonly sessionMs: number;
  private readonly linkMs: number;
  private readonly links = new Map<string, number>();
  private readonly revoked = new Map<string, number>();

  constructor(private readonly ctx: TeacherSessionsContext) {
    this.key = createHash('sha256').update('mqtt-classroom teacher session v1\0').update(ctx.secret, 'utf8').digest();
    this.sessionMs = ctx.sessionMs ?? DEFAULT_SESSION_MS;
    this.linkMs = ctx.linkMs ?? DEFAULT_LINK_MS;
  }

  get sessionSeconds(): number {
    return Math.floor(this.sessionMs / 1000);
  }

  /** A new one-time sign-in token. */
  mintLink(): SignInLink {
    this.prune();
    while (this.links.size >= MAX_LINKS) this.links.delete(this.links.keys().next().value as string);
    const token = randomBytes(18).toString('base64url');
    const expiresAt = this.ctx.now() + this.linkMs;
    this.links.set(token, expiresAt);
    return { token, expiresAt };
  }

  /** True once for a live link token; the token is spent either way. */
  redeemLink(token: string): boolean {
    this.prune();
    const expiresAt = this.links.get(token);
    this.links.delete(token);
    return expiresAt !== undefined && expiresAt > this.ctx.now();
  }

  /** The admin secret typed into the page, compared in constant time. */
  checkSecret(candidate: string): boolean {
    const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
    return timingSafeEqual(digest(candidate), digest(this.ctx.secret));
  }

  issue(): IssuedSession {
    const expiresAt = this.ctx.now() + this.sessionMs;
    const body = `${expiresAt.toString(36)}.${randomBytes(12).toString('base64url')}`;
    return { value: `${body}.${this.mac(body)}`, expiresAt };
  }

  /** The session's expiry when the value is genuine, unexpired and not signed out; otherwise null. */
  verify(value: string | undefined): number | null {
    if (value === undefined) return null;
    const parts = value.split('.');
    if (parts.length !== 3) return null;
    const [expiry, nonce, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.mac(`${expiry}.${nonce}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const expiresAt = parseInt(expiry, 36);
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= this.ctx.now()) return null;
    if (this.revoked.has(nonce)) return null;
    return expiresAt;
  }

  /** Signing out: this value no longer opens anything, even if it was copied. */
  revoke(value: string | undefined): void {
    const expiresAt = this.verify(value);
    if (expiresAt === null || value === undefined) return;
    this.prune();
    this.revoked.set(value.split('.')[1] as string, expiresAt);
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }

  private prune(): void {
    const now = this.ctx.now();
    for (const [token, expiresAt] of this.links) if (expiresAt <= now) this.links.delete(token);
    for (const [nonce, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(nonce);
  }
}
