/**
 * The pages' MQTT connection: MQTT.js over the browser's WebSocket, MQTT 3.1.1
 * (the embedded broker and Mosquitto both speak it), clean session, and our own
 * reconnect loop with capped exponential backoff and jitter (the rule of
 * shared/backoff.ts), so thirty phones do not all come back in the same
 * millisecond after a broker restart. Subscriptions are made again after every
 * connect, which also brings the retained poll, tally and bread state back.
 * Given several URLs (the nodes of a clustered broker), each new attempt goes to
 * the next one, so a dead node costs one backoff step.
 */
import clientModule, { type IClientOptions } from 'mqtt/lib/client';
import { browserStreamBuilder } from 'mqtt/lib/connect/ws';
import { backoffDelay } from '../../shared/backoff.js';
import { type BrokerUrls, nextBrokerIndex } from '../../shared/broker-urls.js';
import { randomId } from './ids.js';

// MQTT.js's build is CommonJS: its class is the `default` property of module.exports.
const Client = clientModule.default;
type MqttClient = InstanceType<typeof Client>;

export type LinkState = 'connecting' | 'connected' | 'reconnecting';

export interface LinkOptions {
  /** The broker's WebSocket, or several nodes of one cluster, tried in turn. */
  urls: BrokerUrls;
  /** A readable prefix for the client id: the broker's log then says which page it is. */
  clientIdPrefix: string;
  username?: string;
  password?: string;
}

export interface MqttLink {
  readonly state: LinkState;
  /** Subscribes (QoS 1) now if connected and again after every reconnect. */
  subscribe(filters: readonly string[]): void;
  /** Publishes if connected; returns false (and sends nothing) otherwise. */
  publish(topic: string, payload: string, options?: { qos?: 0 | 1; retain?: boolean }): boolean;
  onState(listener: (state: LinkState) => void): void;
  /** Called after each CONNACK, once the subscriptions were sent. */
  onConnect(listener: () => void): void;
  /** `retained`: the broker's stored copy, sent on subscribe (not a new event). */
  onMessage(listener: (topic: string, payload: Uint8Array, retained: boolean) => void): void;
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
  let state: LinkState = 'connecting';
  let everConnected = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  // Which URL the current or next attempt uses; moves on after every ended or
  // failed connection (the WebSocket URL is read at each attempt, below).
  let urlIndex = 0;
  let streams = 0;

  const clientOptions: IClientOptions = {
    clientId: `${options.clientIdPrefix}-${randomId(10)}`,
    protocolVersion: 4,
    clean: true,
    keepalive: 30,
    connectTimeout: 8_000,
    reconnectPeriod: 0,
    resubscribe: false,
    // The stream builder reads host and port from these; transformWsUrl then gives
    // it the exact URL from /config.json (path, query and all).
    protocol: options.urls[0].startsWith('wss:') ? 'wss' : 'ws',
    hostname: 'configured',
    port: 1,
    path: '/',
    transformWsUrl: () => options.urls[urlIndex] ?? options.urls[0],
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
  };
  const client: MqttClient = new Client((c) => {
    // The first stream uses the first URL; each later one the next URL.
    if (streams > 0) urlIndex = nextBrokerIndex(urlIndex, options.urls.length);
    streams += 1;
    return browserStreamBuilder(c, clientOptions);
  }, clientOptions);

  const setState = (next: LinkState) => {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  };
  const subscribeAll = () => {
    if (filters.size > 0) client.subscribe([...filters], { qos: 1 });
  };
  const reconnectNow = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (!client.connected && !client.reconnecting) client.reconnect();
  };
  const scheduleReconnect = () => {
    if (timer !== null) return;
    // Until the first CONNACK the page is still "connecting"; after, "reconnecting".
    setState(everConnected ? 'reconnecting' : 'connecting');
    const delay = reconnectDelay(attempt);
    attempt += 1;
    timer = setTimeout(reconnectNow, delay);
  };

  client.on('connect', () => {
    attempt = 0;
    everConnected = true;
    subscribeAll();
    setState('connected');
    for (const listener of connectListeners) listener();
  });
  client.on('close', scheduleReconnect);
  // Errors are followed by 'close', which schedules the retry; without a listener
  // an 'error' event would throw.
  client.on('error', () => undefined);
  // A phone back on Wi-Fi, or a tab shown again, should not wait out the backoff.
  addEventListener('online', () => {
    if (!client.connected) reconnectNow();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && !client.connected && timer !== null) reconnectNow();
  });

  return {
    get state() {
      return state;
    },
    subscribe(list) {
      const fresh = list.filter((filter) => !filters.has(filter));
      for (const filter of fresh) filters.add(filter);
      if (client.connected && fresh.length > 0) client.subscribe(fresh, { qos: 1 });
    },
    publish(topic, payload, publishOptions = {}) {
      if (!client.connected) return false;
      client.publish(topic, payload, { qos: publishOptions.qos ?? 0, retain: publishOptions.retain ?? false });
      return true;
    },
    onState: (listener) => stateListeners.push(listener),
    onConnect: (listener) => connectListeners.push(listener),
    onMessage: (listener) => client.on('message', (topic, payload, packet) => listener(topic, payload, packet.retain === true)),
  };
}
