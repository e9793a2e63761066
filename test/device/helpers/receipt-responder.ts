import type { MqttClient } from 'mqtt';
import { encodeReceipt } from '../../../shared/codecs/receipt.js';
import { type Vote, decodeVote, isPress } from '../../../shared/codecs/vote.js';
import { closeClient, connectClient } from '../../harness/mqtt.js';
import { until } from '../../harness/wait.js';

/**
 * TEST DOUBLE of the tally server's receipts, for device tests that do not need the
 * real server (server/ is tested on its own; the outbox end-to-end tests use it).
 * It subscribes to every vote, answers each id `counted` once and `duplicate`
 * after, and keeps what it saw so a test can check the votes are valid.
 */
export class TestReceiptResponder {
  readonly votes: Vote[] = [];
  readonly invalid: { topic: string; payload: string; why: string }[] = [];
  readonly counted = new Set<string>();
  duplicates = 0;
  /** Set to false to play a server that is down: votes are seen but not answered. */
  answering = true;
  private constructor(
    private readonly client: MqttClient,
    private readonly prefix: string,
  ) {}

  static async start(url: string, prefix = 'classroom'): Promise<TestReceiptResponder> {
    const client = await connectClient(url, { clientId: `test-receipt-responder-${process.pid}` });
    const responder = new TestReceiptResponder(client, prefix);
    client.on('message', (topic, payload) => responder.onVote(topic, payload));
    await client.subscribeAsync(`${prefix}/votes/+`, { qos: 1 });
    return responder;
  }

  /** Resolves once `count` distinct vote ids were counted. */
  async waitCounted(count: number, timeoutMs = 15_000): Promise<void> {
    await until(() => this.counted.size >= count, `the test responder to count ${count} votes`, { timeout: timeoutMs, interval: 20, detail: () => `${this.counted.size} counted` });
  }

  stop(): Promise<void> {
    return closeClient(this.client);
  }

  private onVote(topic: string, payload: Buffer): void {
    const pollId = topic.slice(`${this.prefix}/votes/`.length);
    const decoded = decodeVote(payload, { receivedAt: Date.now() });
    if (!decoded.ok || isPress(decoded.value) || decoded.value.id === null || decoded.value.voter === null) {
      this.invalid.push({ topic, payload: payload.toString(), why: decoded.ok ? 'a press by position, or no id or voter' : decoded.detail });
      return;
    }
    const vote = decoded.value;
    this.votes.push(vote);
    if (!this.answering) return;
    const duplicate = this.counted.has(vote.id as string);
    if (duplicate) this.duplicates += 1;
    this.counted.add(vote.id as string);
    const receipt = encodeReceipt({ id: vote.id as string, poll: pollId, status: duplicate ? 'duplicate' : 'counted' });
    this.client.publish(`${this.prefix}/receipts/${vote.reply ?? vote.voter}`, receipt, { qos: 1 });
  }
}
