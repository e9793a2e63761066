import { randomUUID } from 'node:crypto';
import { MqttConnection } from '../../../runtime/mqtt/connection.js';
import type { BrokerUrls } from '../../../shared/broker-urls.js';
import { decodeReceipt, type ReceiptStatus } from '../../../shared/codecs/receipt.js';
import { encodeVote } from '../../../shared/codecs/vote.js';
import type { Topics } from '../../../shared/topics.js';

/** How long a phone waits for a receipt before sending the vote again (same id). */
const RESEND_MS = 1_500;

/**
 * A phone as the vote page behaves (SPEC §5, §7), over a real MQTT-over-WebSocket
 * connection: a clean session, a random voter id (a secret) and client id, every vote kept until its
 * receipt and sent again (same id) after each reconnect and on a timeout. Given
 * several URLs it fails over like every client (runtime/mqtt/connection.ts).
 */
export class Phone {
  readonly voter = `phone-${randomUUID().slice(0, 12)}`;
  /** Its MQTT client id: where its receipts come (the vote's `reply`), the one receipt topic it may read. */
  readonly clientId = `web-vote-${randomUUID().slice(0, 16)}`;
  /** Vote id -> payload, until the receipt. */
  readonly pending = new Map<string, string>();
  /** Every receipt status seen, per vote id. */
  readonly receipts = new Map<string, ReceiptStatus[]>();
  connects = 0;
  private readonly connection: MqttConnection;
  private resend: NodeJS.Timeout | null = null;

  constructor(
    urls: BrokerUrls,
    private readonly topics: Topics,
    private readonly pollId: string,
  ) {
    this.connection = new MqttConnection({
      url: urls,
      clientId: this.clientId,
      clean: true,
      backoff: { initialMs: 100, maxMs: 1_000 },
      // The pages' own connect timeout (web/lib/connection.ts): a CONNECT that
      // gets no CONNACK (a session moving between nodes) is retried.
      extra: { connectTimeout: 3_000, protocolVersion: 4 },
      onConnect: (client) => {
        this.connects += 1;
        client.subscribe(topics.receipts(this.clientId), { qos: 1 }, () => this.sendPending());
      },
    });
    this.connection.client.on('message', (_topic, payload) => {
      const receipt = decodeReceipt(payload);
      if (!receipt.ok) return;
      const seen = this.receipts.get(receipt.value.id) ?? [];
      seen.push(receipt.value.status);
      this.receipts.set(receipt.value.id, seen);
      this.pending.delete(receipt.value.id);
    });
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  get url(): string {
    return this.connection.url;
  }

  async start(): Promise<void> {
    this.connection.start();
    await this.connection.waitConnected(20_000);
    this.resend = setInterval(() => this.sendPending(), RESEND_MS);
  }

  /** Makes a vote (a fresh id) and sends it if connected; it stays pending until its receipt. */
  vote(option: string): string {
    const id = randomUUID();
    const payload = encodeVote({ id, option, voter: this.voter, source: 'phone', ts: 0, reply: this.clientId });
    this.pending.set(id, payload);
    if (this.connection.connected) this.connection.client.publish(this.topics.votes(this.pollId), payload, { qos: 1 });
    return id;
  }

  async stop(): Promise<void> {
    if (this.resend !== null) clearInterval(this.resend);
    await this.connection.stop();
  }

  private sendPending(): void {
    if (!this.connection.connected) return;
    for (const payload of this.pending.values()) this.connection.client.publish(this.topics.votes(this.pollId), payload, { qos: 1 });
  }
}
