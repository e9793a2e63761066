import type { BrokerUrls } from '../shared/broker-urls.js';
import type { MqttClient } from 'mqtt';
import type { Component } from '../runtime/lifecycle.js';
import type { Logger } from '../runtime/logger.js';
import type { BackoffOptions } from '../shared/backoff.js';
import { type ConnectionState, MqttConnection } from '../runtime/mqtt/connection.js';
import { encodeStatus } from '../shared/codecs/status.js';
import { topicMatches } from '../shared/topic-filter.js';

export interface PublisherContext {
  /** The broker, or the cluster's nodes in the order they are tried. */
  readonly url: string | BrokerUrls;
  readonly deviceId: string;
  /** MQTT_CLIENT_ID; default `mqtt-classroom-device-<deviceId>`. */
  readonly clientId?: string | null;
  readonly username?: string | null;
  readonly password?: string | null;
  /** `<prefix>/devices/<deviceId>/status`: retained online, offline as the will. */
  readonly statusTopic: string;
  readonly logger: Logger;
  readonly backoff?: Partial<BackoffOptions>;
}

export type MessageHandler = (topic: string, payload: Buffer) => void;

/** What the other parts of the agent need from MQTT; tests fake it. */
export interface MqttLink {
  readonly connected: boolean;
  publish(topic: string, payload: string, options: { qos: 0 | 1; retain: boolean }): boolean;
  subscribe(filter: string, qos: 0 | 1, handler: MessageHandler): void;
  /** Called after every CONNACK, once the retained `online` is on its way. */
  onConnect(listener: (sessionPresent: boolean) => void): void;
}

/**
 * The agent's one MQTT session: client id `mqtt-classroom-device-<id>`, clean:false
 * (the broker queues receipts while we are away), retained `offline` as last will
 * and `online` after every connect, reconnect with capped backoff and jitter.
 */
export class Publisher implements Component, MqttLink {
  readonly name = 'mqtt publisher';
  private readonly connection: MqttConnection;
  private readonly subscriptions: { filter: string; qos: 0 | 1; handler: MessageHandler }[] = [];
  private readonly connectListeners: ((sessionPresent: boolean) => void)[] = [];

  constructor(private readonly options: PublisherContext) {
    this.connection = new MqttConnection({
      url: options.url,
      clientId: options.clientId ?? `mqtt-classroom-device-${options.deviceId}`,
      clean: false,
      username: options.username ?? null,
      password: options.password ?? null,
      will: { topic: options.statusTopic, payload: encodeStatus('offline'), retain: true, qos: 1 },
      logger: options.logger,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      onConnect: (client, sessionPresent) => this.connected$(client, sessionPresent),
      onStateChange: (state: ConnectionState) => options.logger.debug('mqtt state', { state }),
    });
    this.connection.client.on('message', (topic, payload) => {
      for (const sub of this.subscriptions) {
        if (!topicMatches(sub.filter, topic)) continue;
        try {
          sub.handler(topic, payload);
        } catch (error) {
          options.logger.error(`handling a message on ${topic} failed`, { error: error instanceof Error ? error.message : String(error) });
        }
      }
    });
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  start(): void {
    this.options.logger.info('connecting to the broker', { url: [this.options.url].flat().join(', ') });
    this.connection.start();
  }

  /** Publishes `offline` (retained) and disconnects cleanly, so the will is not needed. */
  async stop(): Promise<void> {
    await this.connection.stop({ topic: this.options.statusTopic, payload: encodeStatus('offline'), retain: true });
  }

  /** Resolves once connected; for tests and the first-run log. */
  waitConnected(timeoutMs?: number): Promise<void> {
    return this.connection.waitConnected(timeoutMs);
  }

  /**
   * Sends now, or returns false when offline. Nothing is queued here on purpose: votes
   * have the outbox, and the bread monitor and discovery re-publish on connect, so a
   * stale temperature never arrives late.
   */
  publish(topic: string, payload: string, options: { qos: 0 | 1; retain: boolean }): boolean {
    if (!this.connection.connected) return false;
    this.connection.client.publish(topic, payload, options, (error) => {
      if (error) this.options.logger.debug(`publish on ${topic} failed`, { error: error.message });
    });
    return true;
  }

  subscribe(filter: string, qos: 0 | 1, handler: MessageHandler): void {
    this.subscriptions.push({ filter, qos, handler });
    if (this.connection.connected) this.connection.client.subscribe(filter, { qos });
  }

  onConnect(listener: (sessionPresent: boolean) => void): void {
    this.connectListeners.push(listener);
    // A part that starts after the first CONNACK (a board took time) still gets one.
    if (this.connection.connected) queueMicrotask(() => listener(true));
  }

  private connected$(client: MqttClient, sessionPresent: boolean): void {
    client.publish(this.options.statusTopic, encodeStatus('online'), { qos: 1, retain: true });
    // Subscribing again is harmless with a kept session and needed when the broker
    // lost it (restarted without persistence).
    // One filter per SUBSCRIBE: an aedes cluster node (aedes-persistence-redis)
    // never answers a SUBSCRIBE with several filters from a persistent session
    // (test/cluster/device-session.test.ts), and the box would never hear of the poll.
    for (const s of this.subscriptions) client.subscribe(s.filter, { qos: s.qos });
    for (const listener of this.connectListeners) {
      try {
        listener(sessionPresent);
      } catch (error) {
        this.options.logger.error('a connect handler failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}
