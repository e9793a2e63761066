import type { MqttClient } from 'mqtt';
import type { Logger } from '../../runtime/logger.js';
import { MqttConnection } from '../../runtime/mqtt/connection.js';
import type { Scheduler } from '../../shared/scheduler.js';
import type { BrokerUrls } from '../../shared/broker-urls.js';

export interface RetainJanitorContext {
  url: () => BrokerUrls;
  /** The hub's own client id: the janitor's is this plus `-janitor`. */
  clientId: string;
  username: string | null;
  password: string | null;
  /** Where SPEC §4 retains nothing: the chat and the votes (`P/chat/+`, `P/votes/+`). */
  filters: readonly string[];
  logger: Logger;
  scheduler: Scheduler;
}

// CONNACK codes that mean "I do not speak MQTT 5" (3.1.1's 1, 5's 0x84).
const UNSUPPORTED_PROTOCOL = new Set([1, 0x84]);

/**
 * Clears a retained chat line or vote on an external broker (issue 13 item 4).
 * Mosquitto 2.0's ACL cannot refuse the retain flag, and `retain_available false`
 * would also take the hub's retained polls and tallies. So a small MQTT 5 client
 * of the hub subscribes to the chat and vote topics with retain-as-published: a
 * message that arrives with retain=1 and a payload was retained, and the janitor
 * publishes an empty retained message on its topic, which deletes it. The hub's
 * main link stays MQTT 3.1.1 (aedes speaks nothing else); the janitor uses a clean
 * session (what is retained is delivered again on each subscribe, so nothing is
 * missed while it is away). Its empty message reaches the chat pages and the hub
 * as an empty message, which both ignore (shared/codecs/chat.ts, VoteIngest).
 * One clearing in flight per topic: a flood of retained lines costs one empty
 * message per round trip, not one per line. A broker that refuses MQTT 5 (an
 * aedes cluster node, which never retains these anyway) stops it, logged once.
 */
export class RetainJanitor {
  readonly name = 'retain janitor';
  private connection: MqttConnection | null = null;
  /** Topics with a clearing in flight, and whether another retained copy came meanwhile. */
  private readonly clearing = new Map<string, boolean>();
  private cleared = 0;

  constructor(private readonly ctx: RetainJanitorContext) {}

  /** How many retained messages it has cleared (for tests and the log). */
  get clearedCount(): number {
    return this.cleared;
  }

  async start(): Promise<void> {
    const { ctx } = this;
    const connection = new MqttConnection({
      url: ctx.url(),
      clientId: `${ctx.clientId}-janitor`,
      username: ctx.username,
      password: ctx.password,
      clean: true,
      logger: ctx.logger,
      scheduler: ctx.scheduler,
      backoff: { initialMs: 1_000, maxMs: 30_000 },
      onConnect: (client) => this.subscribe(client),
      extra: { protocolVersion: 5, resubscribe: false },
    });
    connection.client.on('message', (topic, payload, packet) => {
      if (packet.retain !== true || payload.length === 0) return;
      this.clear(connection.client, topic);
    });
    connection.client.on('error', (error) => {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'number' && UNSUPPORTED_PROTOCOL.has(code)) {
        ctx.logger.info('the broker does not speak MQTT 5: retained chat lines and votes are not cleared by the hub', { error: error.message });
        void this.stop();
      }
    });
    this.connection = connection;
    connection.start();
  }

  async stop(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    await connection?.stop();
  }

  private subscribe(client: MqttClient): void {
    client.subscribe([...this.ctx.filters], { qos: 0, rap: true }, (error, granted) => {
      if (error || (granted ?? []).some((g) => g.qos >= 0x80)) {
        this.ctx.logger.warn('the broker refused the janitor\'s subscription: retained chat lines and votes stay (check the server account in the ACL)', {
          topics: this.ctx.filters.join(' '),
          ...(error ? { error: error.message } : {}),
        });
      }
    });
  }

  private clear(client: MqttClient, topic: string): void {
    if (this.clearing.has(topic)) {
      this.clearing.set(topic, true);
      return;
    }
    this.clearing.set(topic, false);
    client.publish(topic, '', { qos: 1, retain: true }, (error) => {
      const again = this.clearing.get(topic) === true;
      this.clearing.delete(topic);
      if (error) {
        this.ctx.logger.debug('could not clear a retained message', { topic, error: error.message });
        return;
      }
      this.cleared += 1;
      if (this.cleared === 1) this.ctx.logger.warn('cleared a retained message where nothing is retained (a chat line or a vote); the next ones are cleared silently', { topic });
      if (again) this.clear(client, topic);
    });
  }
}
