import type { MqttClient } from 'mqtt';
import type { Logger } from '../../runtime/logger.js';
import { MqttConnection } from '../../runtime/mqtt/connection.js';
import { encodeStatus } from '../../shared/codecs/status.js';
import type { Topics } from '../../shared/topics.js';
import { SERVER_ACCOUNT, SERVER_CLIENT_ID } from '../access/accounts.js';
import type { MqttLink } from './mqtt-link.js';

export interface ServerLinkContext {
  url: string;
  /** The persistent session's id (MQTT_CLIENT_ID, default SERVER_CLIENT_ID). */
  clientId?: string;
  username: string | null;
  password: string | null;
  topics: Topics;
  voteTopic: string | null;
  logger: Logger;
  /** Every message on a vote topic. */
  onVote: (topic: string, payload: Buffer, retained: boolean) => void;
  /** After each (re)connect and subscription: republish what is retained. */
  onReady: () => void;
  /** How long `start()` waits for the broker before going on in the background. */
  waitMs: number;
  /**
   * Ask the broker for a persistent session (clean false; the default). Off for the
   * embedded broker: see `startServer`.
   */
  persistentSession?: boolean;
}

/** The server's presence topic: `<prefix>/devices/classroom-server/status`. */
export function serverStatusTopic(topics: Topics): string {
  return topics.deviceStatus(SERVER_ACCOUNT);
}

/**
 * The server's own MQTT client: a persistent session (fixed client id, clean
 * false; clean on the embedded broker, see `startServer`) subscribed to the votes
 * at QoS 1, so the broker keeps the votes sent while the server is away; `online`/`offline` retained, `offline` as last will.
 */
export class ServerLink implements MqttLink {
  private readonly connection: MqttConnection;
  private readonly statusTopic: string;
  private readyOnce: () => void = () => undefined;
  private readonly firstReady: Promise<void>;

  constructor(private readonly ctx: ServerLinkContext) {
    this.statusTopic = serverStatusTopic(ctx.topics);
    this.firstReady = new Promise((resolve) => {
      this.readyOnce = resolve;
    });
    this.connection = new MqttConnection({
      url: ctx.url,
      clientId: ctx.clientId ?? SERVER_CLIENT_ID,
      username: ctx.username,
      password: ctx.password,
      clean: ctx.persistentSession === false,
      will: { topic: this.statusTopic, payload: encodeStatus('offline'), retain: true, qos: 1 },
      logger: ctx.logger,
      backoff: { initialMs: 250, maxMs: 10_000 },
      onConnect: (client) => this.subscribe(client),
      // We subscribe after every connect ourselves.
      extra: { resubscribe: false },
    });
    this.connection.client.on('message', (topic, payload, packet) => ctx.onVote(topic, payload, packet.retain === true));
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  async start(): Promise<void> {
    this.connection.start();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.ctx.waitMs);
    });
    const result = await Promise.race([this.firstReady, late]);
    clearTimeout(timer);
    if (result === 'late') {
      this.ctx.logger.warn('the broker is not reachable yet; votes will be taken once it is', { url: this.ctx.url });
    }
  }

  publish(topic: string, payload: string, options: { qos: 0 | 1; retain: boolean }): void {
    this.connection.client.publish(topic, payload, options, (error) => {
      if (error) this.ctx.logger.debug('publish failed', { topic, error: error.message });
    });
  }

  async stop(): Promise<void> {
    await this.connection.stop({ topic: this.statusTopic, payload: encodeStatus('offline'), retain: true });
  }

  private subscribe(client: MqttClient): void {
    const filters = [this.ctx.topics.allVotes, ...(this.ctx.voteTopic === null ? [] : [this.ctx.voteTopic])];
    client.subscribe(filters, { qos: 1 }, (error, granted) => {
      const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
      if (error || refused.length > 0) {
        this.ctx.logger.error('the broker refused the vote subscription: check the server account in its ACL', {
          topics: (refused.length > 0 ? refused : filters).join(' '),
          ...(error ? { error: error.message } : {}),
        });
        return;
      }
      this.ctx.onReady();
      this.publish(this.statusTopic, encodeStatus('online'), { qos: 1, retain: true });
      this.readyOnce();
    });
  }
}
