/**
 * The pages' MQTT connection: MQTT 3.1.1 over the browser's WebSocket (the embedded
 * broker and Mosquitto both speak it), clean session, one `mqtt-session.ts` session
 * per attempt, and our own reconnect loop with capped exponential backoff and jitter
 * (the rule of shared/backoff.ts), so thirty phones do not all come back in the same
 * millisecond after a broker restart. Subscriptions are made again after every
 * connect, which also brings the retained poll, tally and bread state back.
 * Given several URLs (the nodes of a clustered broker), each new attempt goes to
 * the next one, so a dead node costs one backoff step.
 */
import { backoffDelay } from '../../shared/backoff.js';
import { type BrokerUrls, nextBrokerIndex } from '../../shared/broker-urls.js';
import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';
import { browserScheduler } from './scheduler.js';
import { randomId } from './ids.js';
import { type MqttSession, type SessionHandlers, openSession } from './mqtt-session.js';

export type LinkState = 'connecting' | 'connected' | 'reconnecting';

export interface LinkOptions {
  /** The broker's WebSocket, or several nodes of one cluster, tried in turn. */
  urls: BrokerUrls;
  /** A readable prefix for the client id: the broker's log then says which page it is. */
  clientIdPrefix: string;
  username?: string;
  password?: string;
  /** The reconnect backoff and each session's timers run on it; default the browser's timers. */
  scheduler?: Scheduler;
}

export interface MqttLink {
  readonly state: LinkState;
  /**
   * This connection's MQTT client id, random per page load: the level of the only
   * receipt topic the brokers let this page read (docs/protocol.md, "Voter privacy").
   */
  readonly clientId: string;
  /** Subscribes (QoS 1) now if connected and again after every reconnect. */
  subscribe(filters: readonly string[]): void;
  /** Publishes if connected; returns false (and sends nothing) otherwise. */
  publish(topic: string, payload: string, options?: { qos?: 0 | 1; retain?: boolean }): boolean;
  onState(listener: (state: LinkState) => void): void;
  /** Called after each CONNACK, once the subscriptions were sent. */
  onConnect(listener: () => void): void;
  /** `retained`: the broker's stored copy, sent on subscribe (not a new event). */
  onMessage(listener: (topic: string, payload: Uint8Array, retained: boolean) => void): void;
  /** Retries now if waiting out the backoff (a tab shown again; a worker's page calls it). */
  wake(): void;
}

/** The pages' steps: from half a second up to 8 s. */
const PAGE_BACKOFF = { initialMs: 500, maxMs: 8_000 } as const;

export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  return backoffDelay(attempt, { ...PAGE_BACKOFF, random });
}

export function openLink(options: LinkOptions): MqttLink {
  const filters = new Set<string>();
  const stateListeners: ((state: LinkState) => void)[] = [];
  const connectListeners: (() => void)[] = [];
  const messageListeners: ((topic: string, payload: Uint8Array, retained: boolean) => void)[] = [];
  // 16 random letters and digits (~82 bits): nobody can guess another page's id
  // (its receipts are readable by that client id alone: docs/protocol.md).
  const clientId = `${options.clientIdPrefix}-${randomId(16)}`;
  let state: LinkState = 'connecting';
  let everConnected = false;
  let attempt = 0;
  const scheduler = options.scheduler ?? browserScheduler;
  let timer: TimerHandle | null = null;
  let session: MqttSession | null = null;
  // Which URL the current or next attempt uses; moves on after every ended or
  // failed connection, so a dead node of a clustered broker costs one backoff step.
  let urlIndex = 0;
  let sessions = 0;

  const setState = (next: LinkState) => {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  };
  const connected = () => session?.connected === true;
  const connect = () => {
    scheduler.clearTimer(timer);
    timer = null;
    if (session !== null) return;
    // The first session uses the first URL; each later one the next URL.
    if (sessions > 0) urlIndex = nextBrokerIndex(urlIndex, options.urls.length);
    sessions += 1;
    try {
      session = openSession(sessionOptions(), handlers);
    } catch {
      // A URL the browser refuses (WebSocket throws a SyntaxError): retry on the backoff like any failure.
      session = null;
      scheduleReconnect();
    }
  };
  const sessionOptions = () => ({
    url: options.urls[urlIndex] ?? options.urls[0],
    clientId,
    keepaliveS: 30,
    connectTimeoutMs: 8_000,
    scheduler,
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
  });
  const handlers: SessionHandlers = {
    onConnect: () => {
      attempt = 0;
      everConnected = true;
      session?.subscribe([...filters]);
      setState('connected');
      for (const listener of connectListeners) listener();
    },
    onClose: () => {
      session = null;
      scheduleReconnect();
    },
    onMessage: (topic, payload, retained) => {
      for (const listener of messageListeners) listener(topic, payload, retained);
    },
  };
  const scheduleReconnect = () => {
    if (timer !== null) return;
    // Until the first CONNACK the page is still "connecting"; after, "reconnecting".
    setState(everConnected ? 'reconnecting' : 'connecting');
    const delay = reconnectDelay(attempt);
    attempt += 1;
    timer = scheduler.setTimer(connect, delay);
  };

  connect();
  // A phone back on Wi-Fi, or a tab shown again, should not wait out the backoff.
  const wake = () => {
    if (timer !== null) connect();
  };
  addEventListener('online', wake);
  // A worker has no document: its page calls wake() instead (web/lib/raw-counting.ts).
  if (typeof document !== 'undefined') {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') wake();
    });
  }

  return {
    get state() {
      return state;
    },
    clientId,
    subscribe(list) {
      const fresh = list.filter((filter) => !filters.has(filter));
      for (const filter of fresh) filters.add(filter);
      if (connected()) session?.subscribe(fresh);
    },
    publish(topic, payload, publishOptions = {}) {
      if (session === null || !session.connected) return false;
      session.publish(topic, payload, publishOptions.qos ?? 0, publishOptions.retain ?? false);
      return true;
    },
    onState: (listener) => stateListeners.push(listener),
    onConnect: (listener) => connectListeners.push(listener),
    onMessage: (listener) => messageListeners.push(listener),
    wake,
  };
}
