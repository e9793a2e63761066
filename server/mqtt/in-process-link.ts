import type { Aedes, AedesPublishPacket } from 'aedes';
import type { Readable } from 'node:stream';
import type { BrokerUrls } from '../../shared/broker-urls.js';
import { encodeStatus } from '../../shared/codecs/status.js';
import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';
import { type HubLink, type HubLinkHandlers, serverStatusTopic, voteFilters } from './mqtt-link.js';

export interface InProcessLinkContext extends HubLinkHandlers {
  /** The embedded broker's aedes, asked once by `start()` (it exists once the broker started). */
  broker: () => Aedes;
  /** What local MQTT clients connect to (the embedded broker's TCP listener): `url`. */
  url: () => BrokerUrls;
  /** The stop's time limit for the last `offline`. */
  scheduler: Scheduler;
}

type Handler = (topic: string, payload: Buffer, retained: boolean) => void;
type Deliver = (packet: AedesPublishPacket, done: () => void) => void;
type PublishPacket = Parameters<Aedes['publish']>[0];
type Waiting = { packet: PublishPacket; done: (error?: Error) => void };

/** aedes' retained store (aedes-persistence), which its d.ts leaves untyped. */
interface RetainedStore {
  createRetainedStream(pattern: string): Readable;
}

/**
 * The hub inside its embedded broker: it subscribes and publishes through
 * aedes' own API (mqemitter), as aedes' internals and cluster plugins do, instead
 * of an MQTT client over loopback TCP to the broker in the same process. Each
 * vote is then not written by aedes, parsed by MQTT.js, its PUBACK written and
 * parsed back, nor each receipt written by MQTT.js and parsed by aedes, all on the
 * one thread (docs/performance.md, "the hub inside its broker"). What the
 * outside clients see is unchanged: the access rules (server/broker/access-hooks.ts)
 * judge clients' packets, and these publishes are the server account's.
 *
 * The semantics it keeps from ServerLink over MQTT 3.1.1:
 * - a live message arrives with retained = false (aedes clears the flag for a
 *   subscription too); the retained ones matching a filter are handed over once
 *   at start, retained = true, as a SUBSCRIBE's replay;
 * - a message matching two of the filters is handed over once (one client, one
 *   delivery), and the hub hears its own publishes, as an MQTT client does;
 * - `online` (or `not-storing`) retained once subscribed; `offline` on stop. There
 *   is no will: the link ends only with the process, which ends the broker and
 *   its in-memory retained store with it.
 */
export class InProcessLink implements HubLink {
  private aedes: Aedes | null = null;
  private where: string | null = null;
  private live = false;
  /** Between the first subscription and stop(): live messages are handed over. */
  private hearing = false;
  private lastPacket: AedesPublishPacket | null = null;
  /** A retained publish went to aedes this turn: the next ones wait (see `emit`). */
  private holding = false;
  private readonly waiting: Waiting[] = [];
  private next = 0;
  private readonly statusTopic: string;
  private readonly subscribed: { filter: string; deliver: Deliver }[] = [];

  constructor(private readonly ctx: InProcessLinkContext) {
    this.statusTopic = serverStatusTopic(ctx.topics);
  }

  get connected(): boolean {
    return this.live;
  }

  get url(): string {
    if (this.where === null) throw new Error('the server link is not started');
    return this.where;
  }

  async start(): Promise<void> {
    const { ctx } = this;
    const aedes = ctx.broker();
    this.aedes = aedes;
    this.where = ctx.url()[0];
    // ServerLink's order of precedence: the room view, the chat, the votes.
    const routes: [string, Handler][] = [
      ...(ctx.room?.filters ?? []).map((filter): [string, Handler] => [filter, (t, p, r) => ctx.room?.handle(t, p, r)]),
      ...(ctx.onChat === undefined ? [] : [[ctx.topics.allChat, ctx.onChat] as [string, Handler]]),
      ...voteFilters(ctx).map((filter): [string, Handler] => [filter, ctx.onVote]),
    ];
    this.hearing = true;
    for (const [filter, handle] of routes) {
      const deliver = this.deliverer(handle);
      this.subscribed.push({ filter, deliver });
      await new Promise<void>((resolve) => aedes.subscribe(filter, deliver, resolve));
    }
    await this.replayRetained(aedes, routes);
    this.live = true;
    ctx.room?.connectionChanged();
    ctx.onReady();
    this.publish(this.statusTopic, encodeStatus(ctx.presence?.() ?? 'online'), { qos: 1, retain: true });
  }

  /** Before start() and after stop() there is no broker to tell: nothing is sent. */
  publish(topic: string, payload: string, options: { qos: 0 | 1; retain: boolean }): void {
    this.send(topic, payload, options, (error) => {
      if (error) this.ctx.logger.debug('publish failed', { topic, error: error.message });
    });
  }

  async stop(): Promise<void> {
    const aedes = this.aedes;
    if (aedes === null || !this.live) return;
    // At most 2 s for the last word, as ServerLink; the timer cannot hold the process open.
    let giveUp: TimerHandle | null = null;
    await Promise.race([
      new Promise<void>((resolve) => this.send(this.statusTopic, encodeStatus('offline'), { qos: 1, retain: true }, () => resolve())),
      new Promise<void>((resolve) => {
        giveUp = this.ctx.scheduler.setTimer(resolve, 2_000);
      }),
    ]);
    this.ctx.scheduler.clearTimer(giveUp);
    this.live = false;
    this.hearing = false;
    const leaving = this.subscribed.splice(0);
    await Promise.all(leaving.map(({ filter, deliver }) => new Promise<void>((resolve) => aedes.unsubscribe(filter, deliver, resolve))));
    this.ctx.room?.connectionChanged();
  }

  private send(topic: string, payload: string, options: { qos: 0 | 1; retain: boolean }, done: (error?: Error) => void): void {
    const aedes = this.aedes;
    if (aedes === null || !this.live || aedes.closed) {
      done(new Error('the server link is not started'));
      return;
    }
    // A Buffer, as every packet from a socket has: the hub's own subscriptions
    // (device status) hear this message too, and their handlers read Buffers.
    const packet = { cmd: 'publish', topic, payload: Buffer.from(payload), qos: options.qos, retain: options.retain, dup: false } as const;
    if (this.holding || this.waiting.length > this.next) this.waiting.push({ packet, done });
    else this.emit(aedes, packet, done);
  }

  /**
   * aedes numbers a packet when publish() is called but emits it after its promise
   * hops, one more for a retained one, and every client drops a packet numbered
   * below one it already saw (aedes' dedupe, run before the access rules): a
   * receipt published right after a retained tally overtook it, and every
   * subscriber of `#` lost the tally. A client's PUBLISH never races so (each
   * reaches aedes in a setImmediate of its own), so after a retained publish the
   * rest of this turn's wait for the next turn, when its hops are done; plain
   * ones, which all take the same hops, go at once.
   */
  private emit(aedes: Aedes, packet: PublishPacket, done: (error?: Error) => void): void {
    aedes.publish(packet, done);
    if (!packet.retain) return;
    this.holding = true;
    this.ctx.scheduler.nextTurn(() => this.release(aedes));
  }

  private release(aedes: Aedes): void {
    this.holding = false;
    while (!this.holding && this.next < this.waiting.length) {
      const { packet, done } = this.waiting[this.next] as Waiting;
      this.next += 1;
      this.emit(aedes, packet, done);
    }
    if (this.next === this.waiting.length) {
      this.waiting.length = 0;
      this.next = 0;
    }
  }

  /**
   * One route's mqemitter listener. `done` goes to the next microtask, not
   * synchronously: mqemitter starts the next queued message from inside `done`
   * (released -> _do), so a run of queued votes each finished synchronously would
   * recurse once per vote and overflow the stack under a burst (aedes defers its
   * own deliveries with setImmediate for the same reason).
   */
  private deliverer(handle: Handler): Deliver {
    return (packet, done) => {
      // mqemitter hands one packet object to every matching listener in a row: a
      // message that two filters match (a legacy vote topic inside a wildcard) is
      // handed over once, by the first, as a broker delivers it once to a client.
      if (packet !== this.lastPacket && this.hearing) {
        this.lastPacket = packet;
        this.hand(handle, packet, false);
      }
      queueMicrotask(done);
    };
  }

  private hand(handle: Handler, packet: AedesPublishPacket, retained: boolean): void {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    try {
      handle(packet.topic, payload, retained);
    } catch (error) {
      // Inside aedes' dispatch a throw would leave the message in flight for good.
      this.ctx.logger.error('a message handler failed', { topic: packet.topic, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** What a SUBSCRIBE would replay: each retained message matching a route, once. */
  private async replayRetained(aedes: Aedes, routes: readonly [string, Handler][]): Promise<void> {
    const store = (aedes as unknown as { persistence: RetainedStore }).persistence;
    const seen = new Set<string>();
    for (const [filter, handle] of routes) {
      for await (const packet of store.createRetainedStream(filter) as AsyncIterable<AedesPublishPacket>) {
        if (seen.has(packet.topic)) continue;
        seen.add(packet.topic);
        this.hand(handle, packet, true);
      }
    }
  }
}
