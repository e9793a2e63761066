/**
 * Test-only: serves web/dist and a /config.json the test chooses, with the same
 * CSP as the real server, so the pages can be tried against any broker (a bare
 * broker with no tally server, or Mosquitto) without the whole hub.
 */
import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

export const CSP =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const PAGES: Record<string, string> = { '/': 'index.html', '/kiosk': 'kiosk.html', '/vote': 'vote.html', '/pain': 'pain.html', '/chat': 'chat.html' };
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };

export interface StaticServer {
  url: string;
  /** Replaces what /config.json answers from now on. */
  setConfig(config: Record<string, unknown>): void;
  stop(): Promise<void>;
}

/** Serves the pages built in `dist` (see buildPages in ./helpers.ts). */
export async function startStaticServer(dist: string, config: Record<string, unknown>): Promise<StaticServer> {
  let current = config;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/config.json') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(current));
        return;
      }
      // The hub's public quiz API as it answers outside a quiz (server/http/quiz-api.ts):
      // the vote page asks it for its own score; a 404 would be a console error.
      if (path === '/api/player/me' && req.method === 'POST') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ quiz: false }));
        return;
      }
      const file = PAGES[path] ?? (path.startsWith('/assets/') ? normalize(path.slice(1)) : null);
      if (file === null || file.includes('..')) {
        res.writeHead(404).end();
        return;
      }
      try {
        const body = await readFile(join(dist, file));
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setConfig: (next) => {
      current = next;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
