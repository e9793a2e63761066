import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { SESSION_COOKIE } from '../../../server/http/session-api.js';
import { TeacherSessions } from '../../../server/http/teacher-sessions.js';
import { projectRoot } from '../../../runtime/package-info.js';
import { TEST_ADMIN_TOKEN, type TestServer, admin, startTestServer } from '../helpers.js';

/** A browser-like call: the cookie, and the Origin / Sec-Fetch-Site a browser would add. */
async function call(
  server: TestServer,
  method: string,
  path: string,
  options: { cookie?: string; origin?: string | null; site?: string | null; body?: unknown } = {},
): Promise<{ status: number; json: any; setCookie: string | null }> {
  const own = server.running.httpUrl;
  const headers: Record<string, string> = {};
  if (options.cookie !== undefined) headers.cookie = `${SESSION_COOKIE}=${options.cookie}`;
  const origin = options.origin === undefined ? own : options.origin;
  if (origin !== null) headers.origin = origin;
  const site = options.site === undefined ? 'same-origin' : options.site;
  if (site !== null) headers['sec-fetch-site'] = site;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${own}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : JSON.parse(text), setCookie: response.headers.get('set-cookie') };
}

function cookieValue(setCookie: string | null): string {
  const match = new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(setCookie ?? '');
  if (match === null) throw new Error(`no session cookie in ${setCookie}`);
  return match[1] as string;
}

describe("the teacher's session (/prof)", () => {
  let server: TestServer;
  const poll = { id: 'sneaky', question: 'Sneaky?', options: ['A', 'B'] };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  async function pollIds(): Promise<string[]> {
    return (await admin(server.running, 'GET', '/api/polls')).json.polls.map((p: { poll: { id: string } }) => p.poll.id);
  }

  it('signs in with the typed secret: an HttpOnly, SameSite=Strict cookie with an expiry, good for the admin API', async () => {
    expect((await call(server, 'POST', '/api/session', { body: { secret: 'not-the-secret' } })).status).toBe(401);
    const signedIn = await call(server, 'POST', '/api/session', { body: { secret: TEST_ADMIN_TOKEN } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.setCookie).toMatch(/HttpOnly/);
    expect(signedIn.setCookie).toMatch(/SameSite=Strict/);
    expect(signedIn.setCookie).toMatch(/Max-Age=\d+/);
    expect(signedIn.setCookie).toMatch(/Path=\/api/);
    const cookie = cookieValue(signedIn.setCookie);
    expect(cookie).not.toContain(TEST_ADMIN_TOKEN);
    expect((await call(server, 'GET', '/api/session', { cookie })).json).toMatchObject({ signedIn: true });
    const created = await call(server, 'POST', '/api/polls', { cookie, body: { id: 'by-cookie', question: 'Q?', options: ['A', 'B'] } });
    expect(created.status).toBe(201);
    expect(await pollIds()).toContain('by-cookie');
  });

  it('a printed sign-in link works once', async () => {
    const url = server.running.signInLink();
    const token = /#signin=(.+)$/.exec(url)?.[1] as string;
    expect(url).toMatch(/\/prof#signin=/);
    const first = await call(server, 'POST', '/api/session', { body: { link: token } });
    expect(first.status).toBe(200);
    expect((await call(server, 'GET', '/api/polls', { cookie: cookieValue(first.setCookie) })).status).toBe(200);
    const again = await call(server, 'POST', '/api/session', { body: { link: token } });
    expect(again.status).toBe(401);
    expect(again.setCookie).toBeNull();
  });

  it('without a session, with a forged or an expired cookie: 401 and nothing changes', async () => {
    const before = await pollIds();
    const otherKey = new TeacherSessions({ secret: 'some-other-secret', now: () => Date.now() }).issue().value;
    const expired = new TeacherSessions({ secret: TEST_ADMIN_TOKEN, now: () => Date.now() - 60_000, sessionMs: 1_000 }).issue().value;
    const genuine = cookieValue((await call(server, 'POST', '/api/session', { body: { secret: TEST_ADMIN_TOKEN } })).setCookie);
    const [expiry, nonce] = genuine.split('.') as [string, string, string];
    const tampered = `${(parseInt(expiry, 36) + 1e9).toString(36)}.${nonce}.${genuine.split('.')[2]}`;
    for (const cookie of [undefined, 'x', 'a.b.c', otherKey, expired, tampered]) {
      expect((await call(server, 'POST', '/api/polls', { ...(cookie === undefined ? {} : { cookie }), body: poll })).status).toBe(401);
      expect((await call(server, 'GET', '/api/polls', cookie === undefined ? {} : { cookie })).status).toBe(401);
      expect((await call(server, 'GET', '/api/session', cookie === undefined ? {} : { cookie })).json).toEqual({ signedIn: false });
    }
    expect(await pollIds()).toEqual(before);
  });

  it('from another origin: 403 and nothing changes, the session stays', async () => {
    const cookie = cookieValue((await call(server, 'POST', '/api/session', { body: { secret: TEST_ADMIN_TOKEN } })).setCookie);
    const before = await pollIds();
    const hostile = [
      { origin: 'http://evil.example', site: 'cross-site' },
      { origin: 'http://evil.example', site: null },
      { origin: null, site: 'same-site' },
      { origin: 'null', site: null },
      { origin: null, site: null },
    ];
    for (const from of hostile) {
      expect((await call(server, 'POST', '/api/polls', { cookie, ...from, body: poll })).status).toBe(403);
      // Nobody signs a browser out (or in) from another site either.
      expect((await call(server, 'DELETE', '/api/session', { cookie, ...from })).status).toBe(403);
      expect((await call(server, 'POST', '/api/session', { ...from, body: { secret: TEST_ADMIN_TOKEN } })).setCookie).toBeNull();
    }
    expect(await pollIds()).toEqual(before);
    expect((await call(server, 'GET', '/api/session', { cookie })).json).toMatchObject({ signedIn: true });
  });

  it('signs out: the cookie is cleared and, even if copied, opens nothing', async () => {
    const cookie = cookieValue((await call(server, 'POST', '/api/session', { body: { secret: TEST_ADMIN_TOKEN } })).setCookie);
    const out = await call(server, 'DELETE', '/api/session', { cookie });
    expect(out.status).toBe(200);
    expect(out.setCookie).toMatch(/Max-Age=0/);
    expect((await call(server, 'GET', '/api/polls', { cookie })).status).toBe(401);
    expect((await call(server, 'GET', '/api/session', { cookie })).json).toEqual({ signedIn: false });
  });

  it('`mqtt-classroom prof-link` prints a new sign-in link (with its QR code) that signs in', async () => {
    let out = '';
    const code = await main(['prof-link'], {
      stdout: (t) => (out += t),
      stderr: () => undefined,
      env: { SERVER_URL: server.running.httpUrl, ADMIN_TOKEN: TEST_ADMIN_TOKEN, DATA_DIR: server.dataDir },
    });
    expect(code).toBe(0);
    const token = /\/prof#signin=([A-Za-z0-9_-]+)/.exec(out)?.[1] as string;
    expect(out).toMatch(/[█▀▄]/);
    expect((await call(server, 'POST', '/api/session', { body: { link: token } })).status).toBe(200);
    expect(out).not.toContain(TEST_ADMIN_TOKEN);
  });

  it("the secret is in none of the pages, bundles or /config.json", async () => {
    const assets = readdirSync(join(projectRoot(), 'web', 'dist', 'assets')).map((file) => `/assets/${file}`);
    expect(assets.some((path) => path.endsWith('prof.js'))).toBe(true);
    for (const path of ['/', '/kiosk', '/vote', '/pain', '/chat', '/prof', '/config.json', ...assets]) {
      const response = await fetch(`${server.running.httpUrl}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).not.toContain(TEST_ADMIN_TOKEN);
    }
  });
});
