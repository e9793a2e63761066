/**
 * Bench child: a share of an amphitheatre's phones, each its own MQTT-over-WebSocket
 * connection made by the vote page's own code (web/lib/connection.ts over
 * web/lib/mqtt-session.ts, on the `ws` package's WebSocket), so the broker sees what
 * it sees from real pages: CONNECT with a clean session, a subscription to the poll
 * and to `receipts/<client id>`, one QoS 1 vote with `reply`, PUBACKs. Like the page,
 * a phone keeps its vote until the receipt and sends it again after every reconnect
 * and every RESEND_AFTER_MS. Driven over IPC (bench/lib/phones.ts):
 * `start` (open the phones over `rampMs`) -> `connected`; `vote` (the poll about to open) -> each phone votes once at
 * a random moment in the `spreadMs` after it sees the poll open; `report` -> `report`.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { type BrokerUrls } from '../../shared/broker-urls.js';
import { decodePoll } from '../../shared/codecs/poll.js';
import { decodeReceipt } from '../../shared/codecs/receipt.js';
import { encodeVote } from '../../shared/codecs/vote.js';
import { createTopics } from '../../shared/topics.js';

/**
 * A browser's WebSocket drops an error nobody listens to; `ws` emits it, and with
 * no listener Node ends the process. mqtt-session.ts clears its `onerror` before
 * it closes a socket still connecting (a connect timeout, or the broker evicting
 * sockets waiting for their CONNECT), which then reports exactly such an error.
 */
class BrowserLikeWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on('error', () => undefined);
  }
}

// What web/lib/connection.ts finds in a browser: a WebSocket, and the `online` and
// `visibilitychange` events it listens to (never fired here).
Object.assign(globalThis, {
  WebSocket: BrowserLikeWebSocket,
  addEventListener: () => undefined,
  document: { addEventListener: () => undefined, visibilityState: 'visible' },
});
const { openLink } = await import('../../web/lib/connection.js');

/** The vote page's resend timer (web/pages/vote.ts). */
const RESEND_AFTER_MS = 5_000;

interface Start {
  type: 'start';
  /** Each phone's URL list: its first URL is `urls[(first + i) % urls.length]`, then the others in order. */
  urls: string[];
  first: number;
  count: number;
  prefix: string;
  /** The phones open one after the other over this long (a crowd scanning the QR code), not all in one turn. */
  rampMs: number;
}
interface Vote {
  type: 'vote';
  pollId: string;
  options: string[];
  spreadMs: number;
}
type Message = Start | Vote | { type: 'report' } | { type: 'stop' };

interface Phone {
  link: ReturnType<typeof openLink>;
  openedAt: number;
  connectedAt: number | null;
  /** CONNACKs after the first: the phone came back (after a node died). */
  reconnects: number[];
  voteId: string | null;
  payload: string | null;
  option: string | null;
  sentAt: number | null;
  sends: number;
  receiptAt: number | null;
  statuses: string[];
}

const send = (message: Record<string, unknown>) => process.send?.(message);
const phones: Phone[] = [];
let topics = createTopics();
let poll: Vote | null = null;
const cpuAtStart = process.cpuUsage();
let cpuMark = { cpu: process.cpuUsage(), at: performance.now() };

function shuffledUrls(urls: string[], first: number): BrokerUrls {
  const ordered = urls.map((_, i) => urls[(first + i) % urls.length] as string);
  return ordered as unknown as BrokerUrls;
}

function publishVote(phone: Phone): void {
  if (poll === null || phone.payload === null || phone.receiptAt !== null) return;
  if (phone.link.publish(topics.votes(poll.pollId), phone.payload, { qos: 1 })) phone.sends += 1;
}

function vote(phone: Phone): void {
  if (poll === null || phone.voteId !== null) return;
  const ts = Date.now();
  const option = poll.options[Math.floor(Math.random() * poll.options.length)] as string;
  phone.voteId = `${ts.toString(36)}.${randomUUID().slice(0, 12)}`;
  phone.option = option;
  phone.sentAt = ts;
  phone.payload = encodeVote({ id: phone.voteId, option, voter: `phone-${randomUUID()}`, source: 'web', ts, reply: phone.link.clientId });
  publishVote(phone);
}

function open(start: Start, i: number): Phone {
  const link = openLink({ urls: shuffledUrls(start.urls, start.first + i), clientIdPrefix: 'web-vote' });
  const phone: Phone = { link, openedAt: Date.now(), connectedAt: null, reconnects: [], voteId: null, payload: null, option: null, sentAt: null, sends: 0, receiptAt: null, statuses: [] };
  link.onConnect(() => {
    if (phone.connectedAt === null) phone.connectedAt = Date.now();
    else phone.reconnects.push(Date.now());
    // As the page does on every connect: whatever waits for a receipt goes again.
    publishVote(phone);
  });
  link.onMessage((topic, payload) => {
    if (poll !== null && topic === topics.poll(poll.pollId)) {
      const decoded = decodePoll(payload);
      if (decoded.ok && decoded.value.state === 'open' && phone.voteId === null) setTimeout(() => vote(phone), Math.random() * poll.spreadMs);
      return;
    }
    const receipt = decodeReceipt(payload);
    if (!receipt.ok || receipt.value.id !== phone.voteId) return;
    phone.statuses.push(receipt.value.status);
    if (phone.receiptAt === null) phone.receiptAt = Date.now();
  });
  link.subscribe([topics.receipts(link.clientId)]);
  return phone;
}

function report(): Record<string, unknown> {
  const cpu = process.cpuUsage(cpuMark.cpu);
  const seconds = (performance.now() - cpuMark.at) / 1000;
  // What the phones voted (received or not): the tally must show exactly this.
  const counts: Record<string, number> = {};
  for (const p of phones) if (p.option !== null) counts[p.option] = (counts[p.option] ?? 0) + 1;
  return {
    type: 'report',
    connectMs: phones.map((p) => (p.connectedAt === null ? -1 : p.connectedAt - p.openedAt)),
    receiptMs: phones.filter((p) => p.receiptAt !== null && p.sentAt !== null).map((p) => (p.receiptAt as number) - (p.sentAt as number)),
    voted: phones.filter((p) => p.voteId !== null).length,
    withoutReceipt: phones.filter((p) => p.voteId !== null && p.receiptAt === null).length,
    notVoted: phones.filter((p) => p.voteId === null).length,
    counts,
    sends: phones.reduce((sum, p) => sum + p.sends, 0),
    duplicates: phones.reduce((sum, p) => sum + p.statuses.filter((s) => s === 'duplicate').length, 0),
    rejected: phones.reduce((sum, p) => sum + p.statuses.filter((s) => s === 'rejected').length, 0),
    /** Last reconnect of each phone that reconnected (epoch ms). */
    reconnectedAt: phones.filter((p) => p.reconnects.length > 0).map((p) => p.reconnects.at(-1) as number),
    connectedNow: phones.filter((p) => p.link.state === 'connected').length,
    /** Each vote's id, when it was first sent and when its receipt came (epoch ms): a probe lines them up with a raw subscriber's times. */
    stages: phones.filter((p) => p.voteId !== null).map((p) => [p.voteId, p.sentAt, p.receiptAt]),
    /** Share of one core since the `vote` message (or the start). */
    cpu: (cpu.user + cpu.system) / 1e6 / seconds,
    cpuTotalS: (() => {
      const all = process.cpuUsage(cpuAtStart);
      return (all.user + all.system) / 1e6;
    })(),
  };
}

setInterval(() => {
  for (const phone of phones) if (phone.sentAt !== null && phone.receiptAt === null && Date.now() - phone.sentAt >= RESEND_AFTER_MS * phone.sends) publishVote(phone);
}, 500).unref();

process.on('message', (message: Message) => {
  if (message.type === 'start') {
    topics = createTopics({ prefix: message.prefix });
    for (let i = 0; i < message.count; i += 1) setTimeout(() => phones.push(open(message, i)), (i * message.rampMs) / message.count);
    const check = setInterval(() => {
      if (phones.length === message.count && phones.every((p) => p.connectedAt !== null)) {
        clearInterval(check);
        send({ type: 'connected' });
      }
    }, 20);
  } else if (message.type === 'vote') {
    poll = message;
    cpuMark = { cpu: process.cpuUsage(), at: performance.now() };
    for (const phone of phones) phone.link.subscribe([topics.poll(message.pollId)]);
  } else if (message.type === 'report') {
    send(report());
  } else if (message.type === 'stop') {
    process.exit(0);
  }
});
// The bench gone (killed, crashed): so are its phones, not left holding sockets.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
