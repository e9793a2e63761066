import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { AdminRequestError } from '../errors/admin-request-error.js';
import { readJson } from './read-json.js';
import { sendJson } from './security-headers.js';
import type { TeacherSessions } from './teacher-sessions.js';

/** The teacher's session cookie; sent only to the API (`Path=/api`), never readable by a script. */
export const SESSION_COOKIE = 'mqtt_classroom_prof';

/**
 * Whether a browser request comes from our own pages. Browsers send
 * `Sec-Fetch-Site` (and `Origin` on every POST/DELETE); a request with neither
 * is not from a current browser and is refused when it carries a cookie, so a
 * page on another site cannot use the teacher's session even where SameSite is
 * not honoured.
 */
export function fromOwnPage(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function sessionCookie(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === SESSION_COOKIE) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * `/api/session`: GET says whether this browser is signed in; POST signs in with
 * `{ "secret": … }` (typed in the page) or `{ "link": … }` (the one-time token of
 * a printed sign-in link); DELETE signs out. POST and DELETE come from our own
 * page only (no one can sign a browser in or out from another site).
 */
export async function handleSession(req: IncomingMessage, res: ServerResponse, sessions: TeacherSessions): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') {
    const expiresAt = sessions.verify(sessionCookie(req));
    sendJson(res, 200, expiresAt === null ? { signedIn: false } : { signedIn: true, expiresAt });
    return;
  }
  if (method !== 'POST' && method !== 'DELETE') throw new AdminRequestError(405, 'use GET, POST or DELETE here');
  if (!fromOwnPage(req)) throw new AdminRequestError(403, 'sign in from the teacher\'s page (/prof) of this server');
  if (method === 'DELETE') {
    sessions.revoke(sessionCookie(req));
    res.setHeader('Set-Cookie', cookie(req, '', 0));
    sendJson(res, 200, { signedIn: false });
    return;
  }
  const body = await readJson(req);
  const { secret, link } = body;
  const ok =
    typeof link === 'string' ? sessions.redeemLink(link) : typeof secret === 'string' ? sessions.checkSecret(secret) : null;
  if (ok === null) throw new AdminRequestError(400, 'send { "secret": "<admin token>" } or { "link": "<sign-in token>" }');
  if (!ok) {
    sendJson(res, 401, {
      error:
        typeof link === 'string'
          ? 'this sign-in link was used or has expired: print a new one with `mqtt-classroom prof-link` on the hub'
          : 'wrong admin secret: it is ADMIN_TOKEN, or the token in DATA_DIR/admin-token on the hub',
    });
    return;
  }
  const session = sessions.issue();
  res.setHeader('Set-Cookie', cookie(req, session.value, sessions.sessionSeconds));
  sendJson(res, 200, { signedIn: true, expiresAt: session.expiresAt });
}

function cookie(req: IncomingMessage, value: string, maxAge: number): string {
  // Secure when the page came over TLS (directly, or through a proxy that says so);
  // on the classroom's plain-HTTP LAN a Secure cookie would never be sent back.
  const tls = (req.socket as TLSSocket).encrypted === true || req.headers['x-forwarded-proto'] === 'https';
  return `${SESSION_COOKIE}=${value}; Path=/api; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${tls ? '; Secure' : ''}`;
}
