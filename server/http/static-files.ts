import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { sendText } from './security-headers.js';

/** The pages and the bundle file each one is built to (web/build.mjs). */
const PAGES: Readonly<Record<string, string>> = {
  '/': 'kiosk.html',
  '/kiosk': 'kiosk.html',
  '/vote': 'vote.html',
  '/pain': 'pain.html',
  '/chat': 'chat.html',
  '/prof': 'prof.html',
};
/** Served for a page whose bundle is not built (yet): the placeholder. */
const FALLBACK_PAGE = 'index.html';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the built pages from `root` (web/dist): the named pages, `/assets/*` and
 * `/favicon.ico`. Returns false when the path is none of those (the caller sends 404).
 * A path that tries to leave the assets folder is refused, whatever its encoding.
 */
export function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, pathname: string): boolean {
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const page = PAGES[trimmed];
  if (page !== undefined) {
    const file = isFile(join(root, page)) ? join(root, page) : join(root, FALLBACK_PAGE);
    if (!isFile(file)) {
      sendText(res, 503, 'The web pages are not built: run `npm run build`.\n');
      return true;
    }
    sendFile(req, res, file);
    return true;
  }
  if (trimmed === '/favicon.ico') {
    const file = join(root, 'favicon.ico');
    if (!isFile(file)) return false;
    sendFile(req, res, file);
    return true;
  }
  if (!pathname.startsWith('/assets/')) return false;
  const file = assetPath(resolve(root, 'assets'), pathname.slice('/assets/'.length));
  if (file === null || !isFile(file)) return false;
  sendFile(req, res, file);
  return true;
}

function assetPath(assetsDir: string, rest: string): string | null {
  let segments: string[];
  try {
    segments = rest.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  const unsafe = (s: string) => s === '' || s === '.' || s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0');
  if (segments.some(unsafe)) return null;
  const file = resolve(assetsDir, ...segments);
  return file.startsWith(assetsDir + sep) ? file : null;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string): void {
  const stats = statSync(file);
  const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
  // Revalidate every time: cheap on a LAN, and a rebuilt page is never stale.
  const headers = {
    'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
    ETag: etag,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(stats.size) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
