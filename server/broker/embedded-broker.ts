import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { type AddressInfo, type Server as NetServer, createServer as createNetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AedesOptions } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Logger } from '../../runtime/logger.js';
import { silentLogger } from '../../runtime/logger.js';
import { listen } from '../../runtime/listen.js';
import { type BrokerAccess, accessHooks } from './access-hooks.js';

export interface EmbeddedBrokerContext {
  /** Address for the MQTT/TCP listener; loopback by default in tests, 0.0.0.0 in a classroom. */
  host?: string;
  /** MQTT/TCP port; 0 picks a free one (read it back from `mqttPort`). */
  mqttPort: number;
  /**
   * The HTTP server that also serves the pages: the WebSocket endpoint is mounted
   * on it at `wsPath`. When absent the broker creates its own on `wsPort`.
   */
  httpServer?: HttpServer;
  wsPort?: number;
  wsPath?: string;
  /** aedes hooks (authenticate, authorizePublish, ...) and limits. */
  aedes?: AedesOptions;
  /**
   * The access rules of SPEC §8 (accounts and topic rights). When given they
   * replace the authenticate/authorize hooks of `aedes`; without them the broker
   * is open to everyone (what the plain broker tests use).
   */
  access?: BrokerAccess;
  /** A connection that has not sent CONNECT after this long is closed (aedes' default is 30 s). */
  connectTimeoutMs?: number;
  /**
   * At most this many connections may wait for their CONNECT at once; one more
   * closes the oldest waiting. Without it a script opening connections that never
   * speak exhausts the process's open files (1024 on a Pi) and nobody can vote.
   */
  maxWaitingForConnect?: number;
  logger?: Logger;
}

const CONNECT_TIMEOUT_MS = 10_000;
const MAX_WAITING_FOR_CONNECT = 256;

/**
 * The zero-setup broker: aedes on TCP and on WebSocket. aedes takes any duplex
 * stream, so this file owns the listeners and nothing else.
 */
export class EmbeddedBroker {
  readonly name = 'embedded broker';
  private aedes: Aedes | null = null;
  private tcp: NetServer | null = null;
  private ownHttp: HttpServer | null = null;
  private wss: WebSocketServer | null = null;
  private readonly sockets = new Set<Duplex>();
  /** Connections that have not completed CONNECT yet, oldest first. */
  private readonly waiting = new Set<Duplex>();
  private warnedEviction = false;
  private readonly logger: Logger;
  private stopHooks: () => void = () => undefined;
  private detachUpgrade: () => void = () => undefined;

  constructor(private readonly ctx: EmbeddedBrokerContext) {
    this.logger = ctx.logger ?? silentLogger;
  }

  get broker(): Aedes {
    if (this.aedes === null) throw new Error('embedded broker is not started');
    return this.aedes;
  }

  get mqttPort(): number {
    return (this.tcp?.address() as AddressInfo | null)?.port ?? 0;
  }

  get wsPort(): number {
    const server = this.ownHttp ?? this.ctx.httpServer;
    return (server?.address() as AddressInfo | null)?.port ?? 0;
  }

  get wsPath(): string {
    return this.ctx.wsPath ?? '/mqtt';
  }

  async start(): Promise<void> {
    const host = this.ctx.host ?? '0.0.0.0';
    let aedesOptions: AedesOptions = { connectTimeout: this.ctx.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, ...this.ctx.aedes };
    if (this.ctx.access !== undefined) {
      const { stop, ...hooks } = accessHooks(this.ctx.access, this.logger);
      this.stopHooks = stop;
      aedesOptions = { ...aedesOptions, ...hooks };
    }
    const aedes = await Aedes.createBroker(aedesOptions);
    this.aedes = aedes;
    aedes.on('clientError', (client, error) => this.logger.debug('client error', { client: client.id, error }));
    aedes.on('connectionError', (_client, error) => this.logger.debug('connection error', { error }));
    // CONNECT accepted (authenticated): no longer counted against the waiting limit.
    aedes.on('client', (client) => this.waiting.delete((client as unknown as { conn: Duplex }).conn));

    const tcp = createNetServer((socket) => {
      this.track(socket);
      aedes.handle(socket);
    });
    this.tcp = tcp;
    let http = this.ctx.httpServer;
    try {
      await listen(tcp, { port: this.ctx.mqttPort, host, what: 'MQTT_PORT' });
      if (http === undefined) {
        http = createHttpServer((_req, res) => {
          res.writeHead(404).end();
        });
        this.ownHttp = http;
        await listen(http, { port: this.ctx.wsPort ?? 0, host, what: 'the WebSocket port' });
      }
    } catch (error) {
      // aedes runs timers from its creation on: close it, or the process never exits.
      await this.stop();
      throw error;
    }
    const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
    this.wss = wss;
    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== this.wsPath) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(request, socket, head, (websocket) => {
        const stream = createWebSocketStream(websocket);
        this.track(stream);
        aedes.handle(stream, request);
      });
    };
    http.on('upgrade', onUpgrade);
    // The HTTP server may outlive the broker (it belongs to the caller).
    this.detachUpgrade = () => http.off('upgrade', onUpgrade);
    this.logger.info('embedded broker listening', { mqtt: this.mqttPort, ws: `${this.wsPort}${this.wsPath}` });
  }

  async stop(): Promise<void> {
    const aedes = this.aedes;
    this.aedes = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.waiting.clear();
    this.detachUpgrade();
    if (this.wss !== null) {
      for (const client of this.wss.clients) client.terminate();
      this.wss.close();
      this.wss = null;
    }
    await Promise.all([closeServer(this.tcp), closeServer(this.ownHttp)]);
    this.tcp = null;
    this.ownHttp = null;
    if (aedes !== null) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    this.stopHooks();
  }

  private track(stream: Duplex): void {
    this.sockets.add(stream);
    this.waiting.add(stream);
    stream.once('close', () => {
      this.sockets.delete(stream);
      this.waiting.delete(stream);
    });
    if (this.waiting.size > (this.ctx.maxWaitingForConnect ?? MAX_WAITING_FOR_CONNECT)) {
      const oldest = this.waiting.values().next().value as Duplex;
      this.waiting.delete(oldest);
      oldest.destroy();
      if (!this.warnedEviction) {
        this.warnedEviction = true;
        this.logger.warn('too many connections waiting for CONNECT: closing the oldest ones (a misbehaving client or a port scan?)');
      }
    }
    // A client that resets its connection must not crash the broker.
    stream.on('error', () => undefined);
  }
}

function closeServer(server: NetServer | HttpServer | null): Promise<void> {
  if (server === null) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}
