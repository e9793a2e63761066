import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listen } from '../../runtime/listen.js';
import type { Logger } from '../../runtime/logger.js';
import type { BrowserConfig } from '../../shared/browser-config.js';
import { CHAT_HISTORY_PATH, sendChatHistory } from '../chat/chat-api.js';
import { type AdminApiContext, handleAdmin } from './admin-api.js';
import { httpStatusOf } from './error-status.js';
import { PLAYER_PATH, handlePlayer } from './quiz-api.js';
import { BREAD_HISTORY_PATH, sendBreadHistory } from './room-api.js';
import { handleSession } from './session-api.js';
import { sendJson, sendText, setSecurityHeaders } from './security-headers.js';
import { serveStatic } from './static-files.js';

export interface HttpContext {
  host: string;
  port: number;
  /** The built pages (web/dist). */
  webRoot: string;
  browserConfig: BrowserConfig;
  admin: AdminApiContext;
  logger: Logger;
  /** An HTTP server to use instead of creating one; it is not closed on stop. */
  server?: Server;
}

/**
 * The pages, `/config.json` and the admin API on one port; the embedded broker
 * mounts its WebSocket (`/mqtt`) on the same server.
 */
export class HttpServer {
  readonly name = 'http server';
  readonly server: Server;
  private readonly owned: boolean;
  private readonly onRequest = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);

  constructor(private readonly ctx: HttpContext) {
    this.owned = ctx.server === undefined;
    this.server = ctx.server ?? createServer();
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    this.server.on('request', this.onRequest);
    if (this.server.listening) return;
    await listen(this.server, { port: this.ctx.port, host: this.ctx.host, what: 'HTTP_PORT' });
    this.ctx.logger.info('web pages and admin API listening', { port: this.port });
  }

  async stop(): Promise<void> {
    this.server.off('request', this.onRequest);
    if (!this.owned) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    setSecurityHeaders(res);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendText(res, 400, 'bad request\n');
      return;
    }
    // The chat's recent past is public (it was said in the open): the chat page reads it once on load.
    if (url.pathname === CHAT_HISTORY_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      sendChatHistory(res, this.ctx.admin.chat);
      return;
    }
    if (url.pathname === BREAD_HISTORY_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      sendBreadHistory(res, this.ctx.admin.room);
      return;
    }
    if (url.pathname === '/api/session') {
      handleSession(req, res, this.ctx.admin.sessions).catch((error: unknown) => this.fail(res, error));
      return;
    }
    // A phone's quiz identity and score: public, proven by the voter secret in the body.
    if (url.pathname.startsWith(`${PLAYER_PATH}/`)) {
      handlePlayer(req, res, url, this.ctx.admin.quiz).catch((error: unknown) => this.fail(res, error));
      return;
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      handleAdmin(req, res, url, this.ctx.admin).catch((error: unknown) => this.fail(res, error));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'only GET and HEAD here\n', { Allow: 'GET, HEAD' });
      return;
    }
    if (url.pathname === '/config.json') {
      sendJson(res, 200, { ...this.ctx.browserConfig, serverTime: this.ctx.admin.now() });
      return;
    }
    try {
      if (!serveStatic(req, res, this.ctx.webRoot, url.pathname)) sendText(res, 404, 'not found\n');
    } catch (error) {
      this.fail(res, error);
    }
  }

  private fail(res: ServerResponse, error: unknown): void {
    const status = httpStatusOf(error);
    if (status !== null && !res.headersSent) {
      sendJson(res, status, { error: (error as Error).message });
      return;
    }
    this.ctx.logger.error('request failed', { error: error instanceof Error ? error.message : String(error) });
    if (!res.headersSent) sendJson(res, 500, { error: 'internal error, see the server log' });
    else res.destroy();
  }
}
