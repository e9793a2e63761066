import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { type AddressInfo, type Server as NetServer, createServer as createNetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AedesOptions, type AuthenticateError, type Client } from 'aedes';
import { WebSocketServer } from 'ws';
import type { Logger } from '../../runtime/logger.js';
import { silentLogger } from '../../runtime/logger.js';
import { listen } from '../../runtime/listen.js';
import { type Scheduler, every } from '../../shared/scheduler.js';
import { systemScheduler } from '../../runtime/scheduler.js';
import { ThrottledLog } from '../logging/throttled-log.js';
import { type BrokerAccess, accessHooks } from './access-hooks.js';
import { ConnectionLimits, type LimitedSession } from './connection-limits.js';
import { PacketMeter } from './packet-meter.js';
import { mqttWebSocketStream } from './ws-stream.js';
import { type BrokerLimits, DEFAULT_BROKER_LIMITS } from './broker-limits.js';

export { type BrokerLimits, DEFAULT_BROKER_LIMITS } from './broker-limits.js';

/** CONNACK return code 3 of MQTT 3.1.1: "server unavailable". */
const SERVER_UNAVAILABLE = 3;

interface Tracked {
  readonly meter: PacketMeter;
  readonly address: string;
  session: LimitedSession | null;
}

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
  /** Packet size, connection caps, server-side keepalive: DEFAULT_BROKER_LIMITS where absent. */
  limits?: Partial<BrokerLimits>;
  /** The clock and timers of the keepalive sweep (systemScheduler by default). */
  scheduler?: Scheduler;
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
  private readonly sockets = new Map<Duplex, Tracked>();
  /** Connections that have not completed CONNECT yet, oldest first. */
  private readonly waiting = new Set<Duplex>();
  private warnedEviction = false;
  private readonly logger: Logger;
  private readonly limitsSetting: BrokerLimits;
  private readonly scheduler: Scheduler;
  private readonly limits: ConnectionLimits;
  private readonly limitLog: ThrottledLog;
  private stopSweep: () => void = () => undefined;
  private stopHooks: () => void = () => undefined;
  private detachUpgrade: () => void = () => undefined;

  constructor(private readonly ctx: EmbeddedBrokerContext) {
    this.logger = ctx.logger ?? silentLogger;
    this.limitsSetting = { ...DEFAULT_BROKER_LIMITS, ...ctx.limits };
    this.scheduler = ctx.scheduler ?? systemScheduler;
    this.limits = new ConnectionLimits({ ...this.limitsSetting, clock: this.scheduler });
    this.limitLog = new ThrottledLog({ logger: this.logger, what: 'connections closed by the broker limits', intervalMs: 60_000, scheduler: this.scheduler });
  }

  /** Anonymous and voter sessions now open (the hub's own are not counted). */
  get publicSessions(): number {
    return this.limits.publicSessions;
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
    let isHub: (client: Client) => boolean = () => false;
    if (this.ctx.access !== undefined) {
      const { stop, isHub: hub, ...hooks } = accessHooks(this.ctx.access, this.logger);
      this.stopHooks = stop;
      isHub = hub;
      aedesOptions = { ...aedesOptions, ...hooks };
    }
    aedesOptions = { ...aedesOptions, authenticate: this.admitting(aedesOptions.authenticate, (client) => isHub(client)) };
    const aedes = await Aedes.createBroker(aedesOptions);
    this.aedes = aedes;
    aedes.on('clientError', (client, error) => this.logger.debug('client error', { client: client.id, error }));
    aedes.on('connectionError', (_client, error) => this.logger.debug('connection error', { error }));
    // CONNECT accepted (authenticated): no longer counted against the waiting limit.
    aedes.on('client', (client) => this.waiting.delete((client as unknown as { conn: Duplex }).conn));

    const tcp = createNetServer((socket) => {
      // No Nagle (Node's net servers keep it on; its HTTP servers, and so the
      // WebSocket listener, turn it off): a vote PUBLISH to the hub written just
      // after the PUBACK of its snapshot, or a receipt after a PUBACK, would wait
      // for the peer's delayed ACK, up to 40 ms on Linux (docs/performance.md,
      // "Issue 17 round 3: press to screen, stage by stage"). Mosquitto's
      // `set_tcp_nodelay true` in deploy/mosquitto/ is the same setting.
      socket.setNoDelay(true);
      aedes.handle(socket);
      this.track(socket, socket.remoteAddress);
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
        const stream = mqttWebSocketStream(websocket);
        aedes.handle(stream, request);
        this.track(stream, request.socket.remoteAddress);
      });
    };
    http.on('upgrade', onUpgrade);
    // The HTTP server may outlive the broker (it belongs to the caller).
    this.detachUpgrade = () => http.off('upgrade', onUpgrade);
    const sweepMs = Math.max(1_000, Math.min(30_000, this.limitsSetting.maxKeepaliveMs / 4));
    this.stopSweep = every(this.scheduler, sweepMs, () => this.limits.sweep());
    this.logger.info('embedded broker listening', { mqtt: this.mqttPort, ws: `${this.wsPort}${this.wsPath}` });
  }

  async stop(): Promise<void> {
    const aedes = this.aedes;
    this.aedes = null;
    this.stopSweep();
    this.limitLog.stop();
    for (const socket of this.sockets.keys()) socket.destroy();
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

  /**
   * aedes' authenticate, then the connection limits: a newcomer past a limit
   * makes the quietest public session leave, or is refused with "server
   * unavailable" when there is none. The hub's own accounts always get in.
   */
  private admitting(authenticate: AedesOptions['authenticate'], isHub: (client: Client) => boolean): NonNullable<AedesOptions['authenticate']> {
    return (client, username, password, done) => {
      const admit = (error: AuthenticateError | null, success: boolean | null) => {
        const tracked = this.sockets.get((client as unknown as { conn: Duplex }).conn);
        if (error !== null || success !== true || tracked === undefined) {
          done(error, success);
          return;
        }
        const session: LimitedSession = {
          address: tracked.address,
          hub: isHub(client),
          lastSeen: this.scheduler.now(),
          spoke: false,
          close: (why) => {
            this.limitLog.note(`shed:${why.startsWith('silent') ? 'idle' : 'limit'}`, `closed a session to make room or because it was idle: ${why}`, { clientId: client.id, address: tracked.address });
            client.close();
          },
        };
        const verdict = this.limits.admit(session);
        if (!verdict.ok) {
          this.limitLog.note(`refused:${verdict.limit}`, `refused a connection: the ${verdict.limit} limit of the broker is reached (BROKER_MAX_CONNECTIONS, BROKER_MAX_CONNECTIONS_PER_ADDRESS)`, { clientId: client.id, address: tracked.address });
          const refusal = new Error('too many connections') as AuthenticateError;
          (refusal as { returnCode: number }).returnCode = SERVER_UNAVAILABLE;
          done(refusal, false);
          return;
        }
        tracked.session = session;
        done(null, true);
      };
      if (authenticate === undefined) admit(null, true);
      else authenticate(client, username, password, admit);
    };
  }

  private track(stream: Duplex, remoteAddress: string | undefined): void {
    const tracked: Tracked = { meter: new PacketMeter(this.limitsSetting), address: (remoteAddress ?? 'unknown').replace(/^::ffff:/, ''), session: null };
    this.sockets.set(stream, tracked);
    this.waiting.add(stream);
    stream.once('close', () => {
      this.sockets.delete(stream);
      this.waiting.delete(stream);
      if (tracked.session !== null) this.limits.remove(tracked.session);
    });
    // With aedes' 'readable' listener in control, 'data' fires for each chunk it
    // reads, before it parses it: the meter sees a packet's size from its header.
    stream.on('data', (chunk: Buffer) => {
      // The hub's own accounts (server, devices) are trusted with larger packets.
      const verdict = tracked.session?.hub === true ? ({ ok: true } as const) : tracked.meter.feed(chunk);
      if (!verdict.ok) {
        this.limitLog.note('too-large', `closed a connection that sent a ${verdict.packetBytes}-byte packet (the limit is ${this.limitsSetting.maxPacketBytes}, BROKER_MAX_PACKET_BYTES)`, { address: tracked.address });
        stream.destroy();
        return;
      }
      if (tracked.session !== null) {
        tracked.session.lastSeen = this.scheduler.now();
        if (tracked.meter.packets > 1) tracked.session.spoke = true;
      }
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
