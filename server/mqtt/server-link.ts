import type { MqttClient } from 'mqtt';
import type { BrokerUrls } from '../../shared/broker-urls.js';
import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';
import { MqttConnection } from '../../runtime/mqtt/connection.js';
import { encodeStatus } from '../../shared/codecs/status.js';
import { topicMatches } from '../../shared/topic-filter.js';
import { SERVER_CLIENT_ID } from '../access/accounts.js';
import { type HubLink, type HubLinkHandlers, serverStatusTopic, voteFilters } from './mqtt-link.js';

export interface ServerLinkContext extends HubLinkHandlers {
  /**
   * Where the broker is, asked once by `start()`: the embedded broker's port is
   * known only once it listens, after this link is made.
   */
  url: () => BrokerUrls;
  /** The persistent session's id (MQTT_CLIENT_ID, default SERVER_CLIENT_ID). */
  clientId?: string;
  username: string | null;
  password: string | null;
  /** How long `start()` waits for the broker before going on in the background. */
  waitMs: number;
  /** The start-up wait's and the connection's timers (the server's one scheduler). */
  scheduler: Scheduler;
  /**
   * Ask the broker for a persistent session (clean false; the default). Off on the
   * embedded broker, where the hub's link is InProcessLink anyway (see
   * `createServerLink`, server/wiring/mqtt-side.ts).
   */
  persistentSession?: boolean;
}

export { serverStatusTopic };

/**
 * The server's own MQTT client: a persistent session (fixed client id, clean
 * false; clean on the embedded broker, see `createServerLink`) subscribed to the votes
 * at QoS 1, so the broker keeps the votes sent while the server is away; `online`/`offline` retained, `offline` as last will.
 */
export class ServerLink implements HubLink {
  private connection: MqttConnection | null = null;
  private readonly statusTopic: string;
  private readyOnce: () => void = () => undefined;
  private readonly firstReady: Promise<void>;

  // Only stores: the parts that publish through this link are made with it before
  // anything starts; it connects in start().
  constructor(private readonly ctx: ServerLinkContext) {
    this.statusTopic = serverStatusTopic(ctx.topics);
    this.firstReady = new Promise((resolve) => {
      this.readyOnce = resolve;
    });
  }

  get connected(): boolean {
    return this.connection?.connected ?? false;
  }

  /** The URL of the broker (the cluster node) this link is on or tried last, once started. */
  get url(): string {
    if (this.connection === null) throw new Error('the server link is not started');
    return this.connection.url;
  }

  async start(): Promise<void> {
    const { ctx } = this;
    const urls = ctx.url();
    const connection = new MqttConnection({
      url: urls,
      clientId: ctx.clientId ?? SERVER_CLIENT_ID,
      username: ctx.username,
      password: ctx.password,
      clean: ctx.persistentSession === false,
      will: { topic: this.statusTopic, payload: encodeStatus('offline'), retain: true, qos: 1 },
      logger: ctx.logger,
      scheduler: ctx.scheduler,
      backoff: { initialMs: 250, maxMs: 10_000 },
      onConnect: (client) => this.subscribe(client),
      onStateChange: () => ctx.room?.connectionChanged(),
      // We subscribe after every connect ourselves.
      extra: { resubscribe: false },
    });
    const chatHead = `${ctx.topics.prefix}/chat/`;
    connection.client.on('message', (topic, payload, packet) => {
      if (ctx.room !== undefined && ctx.room.filters.some((filter) => topicMatches(filter, topic))) ctx.room.handle(topic, payload, packet.retain === true);
      else if (ctx.onChat !== undefined && topic.startsWith(chatHead)) ctx.onChat(topic, payload, packet.retain === true);
      else ctx.onVote(topic, payload, packet.retain === true);
    });
    this.connection = connection;
    connection.start();
    let timer: TimerHandle | null = null;
    const late = new Promise<'late'>((resolve) => {
      timer = ctx.scheduler.setTimer(() => resolve('late'), ctx.waitMs);
    });
    const result = await Promise.race([this.firstReady, late]);
    ctx.scheduler.clearTimer(timer);
    if (result === 'late') {
      ctx.logger.warn('the broker is not reachable yet; votes will be taken once it is', { url: urls.join(', ') });
    }
  }

  /** Before start() there is no broker to tell: nothing is sent (what is retained goes out on connect). */
  publish(topic: string, payload: string, options: { qos: 0 | 1; retain: boolean }): void {
    this.connection?.client.publish(topic, payload, options, (error) => {
      if (error) this.ctx.logger.debug('publish failed', { topic, error: error.message });
    });
  }

  async stop(): Promise<void> {
    await this.connection?.stop({ topic: this.statusTopic, payload: encodeStatus('offline'), retain: true });
  }

  private subscribe(client: MqttClient): void {
    if (this.ctx.onChat !== undefined) {
      // QoS 0 like the chat itself; a refusal costs the history only, never the votes.
      client.subscribe(this.ctx.topics.allChat, { qos: 0 }, (error, granted) => {
        if (error || granted?.[0]?.qos === 128) this.ctx.logger.warn('the broker refused the chat subscription: the chat history stays empty', { topic: this.ctx.topics.allChat });
      });
    }
    for (const filter of this.ctx.room?.filters ?? []) {
      client.subscribe(filter, { qos: 0 }, (error, granted) => {
        if (error || granted?.[0]?.qos === 128) this.ctx.logger.warn('the broker refused a subscription of the room view: the teacher\'s page misses it (check the server account in the ACL)', { topic: filter });
      });
    }
    const filters = voteFilters(this.ctx);
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
      this.publish(this.statusTopic, encodeStatus(this.ctx.presence?.() ?? 'online'), { qos: 1, retain: true });
      this.readyOnce();
    });
  }
}
