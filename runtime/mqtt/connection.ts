import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';
import { type Logger, silentLogger } from '../logger.js';
import { systemScheduler } from '../scheduler.js';
import { type BackoffOptions, backoffDelay } from '../../shared/backoff.js';
import type { BrokerUrls } from '../../shared/broker-urls.js';

/** Node's steps (device, server, CLI): from half a second up to 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, random: Math.random };

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

export interface MqttConnectionContext {
  /**
   * The broker, or several nodes of one clustered broker: each new connection
   * attempt goes to the next one (see the constructor), so a dead node costs one
   * backoff step, not the class.
   */
  url: string | BrokerUrls;
  clientId: string;
  username?: string | null;
  password?: string | null;
  /** false keeps the broker-side session (subscriptions and queued QoS 1) across reconnects. */
  clean: boolean;
  will?: { topic: string; payload: string; retain: boolean; qos: 0 | 1 };
  backoff?: Partial<BackoffOptions>;
  logger?: Logger;
  /** The backoff and timeout timers; default Node's. */
  scheduler?: Scheduler;
  /** Called after every CONNACK (first connect and each reconnect). */
  onConnect?: (client: MqttClient, sessionPresent: boolean) => void;
  onStateChange?: (state: ConnectionState) => void;
  /** Anything else MQTT.js takes (keepalive, protocolVersion, ...). */
  extra?: IClientOptions;
}

/**
 * An MQTT.js client that reconnects with capped exponential backoff and jitter.
 * MQTT.js alone retries on a fixed `reconnectPeriod`; we turn that off and call
 * `reconnect()` ourselves, keeping its in-flight stores so nothing queued is lost.
 */
export class MqttConnection {
  readonly client: MqttClient;
  private attempt = 0;
  private timer: TimerHandle | null = null;
  private stopping = false;
  private currentState: ConnectionState = 'connecting';
  private readonly backoff: BackoffOptions;
  private readonly logger: Logger;
  private readonly scheduler: Scheduler;

  private readonly urls: BrokerUrls;

  constructor(private readonly options: MqttConnectionContext) {
    this.scheduler = options.scheduler ?? systemScheduler;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.logger = options.logger ?? silentLogger;
    this.urls = typeof options.url === 'string' ? [options.url] : options.url;
    this.client = mqtt.connect(this.urls[0], {
      clientId: options.clientId,
      clean: options.clean,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      keepalive: 30,
      manualConnect: true,
      // No table of 65,536 pre-built 2-byte Buffers for message ids (mqtt-packet's
      // number cache, ~6 MB of heap in every process, docs/performance.md): a
      // message id is written into a fresh 2-byte Buffer instead.
      writeCache: false,
      ...(options.username ? { username: options.username } : {}),
      ...(options.password ? { password: options.password } : {}),
      ...(options.will ? { will: { ...options.will } } : {}),
      // Failover (SPEC §9): MQTT.js builds each new stream for the next entry of
      // `servers` (round robin, also after a connection that worked: every node
      // is the same broker). Host, port and protocol change; the path and the
      // account are the first URL's, so the nodes share them. The in-flight
      // stores go along to the next node (reconnect() below), and votes stay in
      // the outbox until their receipt, whichever node carries them.
      ...(this.urls.length > 1 ? { servers: this.urls.map(serverOf) } : {}),
      ...options.extra,
    });
    this.client.on('connect', (connack) => {
      // No Nagle: a vote written just after a button event would wait for the
      // broker's delayed ACK (40 ms on Linux). See docs/performance.md.
      (this.client.stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
      if (this.attempt > 0) this.logger.info('reconnected to broker', { url: this.url });
      else this.logger.info('connected to broker', { url: this.url });
      this.attempt = 0;
      this.setState('connected');
      options.onConnect?.(this.client, connack.sessionPresent);
    });
    this.client.on('close', () => this.scheduleReconnect());
    this.client.on('error', (error) => {
      // Connection errors are followed by 'close', which schedules the retry.
      this.logger.debug('mqtt error', { error: error.message });
    });
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** The URL of the node this connection is on, or tried last. */
  get url(): string {
    if (this.urls.length === 1) return this.urls[0];
    const { protocol, hostname, port } = this.client.options;
    return `${protocol ?? 'mqtt'}://${hostname ?? ''}:${port ?? ''}`;
  }

  start(): void {
    this.stopping = false;
    this.client.connect();
  }

  /** Resolves once connected (or rejects after `timeoutMs`). */
  waitConnected(timeoutMs = 15_000): Promise<void> {
    if (this.client.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = this.scheduler.setTimer(() => {
        this.client.off('connect', onConnect);
        reject(new Error(`could not connect to ${this.urls.join(', ')} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnect = () => {
        this.scheduler.clearTimer(timer);
        resolve();
      };
      this.client.once('connect', onConnect);
    });
  }

  /** Clean stop: optionally publishes a last message (e.g. retained offline), then DISCONNECT. */
  async stop(last?: { topic: string; payload: string; retain: boolean }): Promise<void> {
    this.stopping = true;
    this.scheduler.clearTimer(this.timer);
    this.timer = null;
    if (last !== undefined && this.client.connected) {
      // At most 2 s for the last word; the timer is cleared so it cannot hold the process open.
      let giveUp: TimerHandle | null = null;
      await Promise.race([
        this.client.publishAsync(last.topic, last.payload, { qos: 1, retain: last.retain }).catch(() => undefined),
        new Promise((r) => {
          giveUp = this.scheduler.setTimer(() => r(undefined), 2_000);
        }),
      ]);
      this.scheduler.clearTimer(giveUp);
    }
    await new Promise<void>((resolve) => this.client.end(!this.client.connected, {}, () => resolve()));
    this.setState('stopped');
  }

  private scheduleReconnect(): void {
    if (this.stopping || this.timer !== null) return;
    const delay = backoffDelay(this.attempt, this.backoff);
    this.attempt += 1;
    if (this.currentState === 'connected') this.logger.warn(this.urls.length > 1 ? 'lost the broker node, trying the next one' : 'lost the broker, reconnecting', { url: this.url, inMs: delay });
    this.setState('reconnecting');
    this.timer = this.scheduler.setTimer(() => {
      this.timer = null;
      if (this.stopping) return;
      this.client.reconnect({ incomingStore: this.client.incomingStore, outgoingStore: this.client.outgoingStore });
    }, delay);
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.options.onStateChange?.(state);
  }
}

/** One entry of MQTT.js's `servers`. */
function serverOf(url: string): { host: string; port: number; protocol: 'mqtt' | 'mqtts' | 'ws' | 'wss' } {
  const parsed = new URL(url);
  const scheme = parsed.protocol.replace(/:$/, '');
  const protocol = scheme === 'tcp' ? 'mqtt' : scheme === 'ssl' ? 'mqtts' : (scheme as 'mqtt' | 'mqtts' | 'ws' | 'wss');
  const defaults = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 } as const;
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port === '' ? defaults[protocol] : Number(parsed.port), protocol };
}
