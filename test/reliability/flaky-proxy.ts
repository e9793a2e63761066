import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';

/** A small seeded generator (mulberry32): a failing run can be replayed by its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FlakyProxyOptions {
  targetPort: number;
  targetHost?: string;
  seed: number;
  /** Each connection is cut after a random time in this range (ms); null: never. */
  dropAfterMs?: [number, number] | null;
  /** Each chunk waits a random time in this range before it is forwarded (order kept). */
  delayMs?: [number, number];
  /** Chance that a forwarded chunk is cut in the middle, then the connection dropped. */
  cutChance?: number;
}

export interface ProxyStats {
  connections: number;
  drops: number;
  cuts: number;
  bytes: number;
  /** Drops that came due once the proxy was healed, and were not made. */
  spared: number;
}

/**
 * A TCP proxy for tests only, between clients and a broker, that behaves like bad
 * classroom Wi-Fi: connections die at random moments, bytes arrive late, and a
 * packet can be cut in half. Loopback only; stops when told.
 */
export class FlakyProxy {
  readonly stats: ProxyStats = { connections: 0, drops: 0, cuts: 0, bytes: 0, spared: 0 };
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly random: () => number;
  private healthy = false;

  constructor(private readonly options: FlakyProxyOptions) {
    this.random = seededRandom(options.seed);
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Stop misbehaving (drain phase): forward everything, drop nothing. */
  heal(): void {
    this.healthy = true;
  }

  async start(port = 0): Promise<number> {
    const server = createServer((client) => this.handle(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    return this.port;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private between([min, max]: [number, number]): number {
    return min + this.random() * (max - min);
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private handle(client: Socket): void {
    this.stats.connections += 1;
    const upstream = connect({ port: this.options.targetPort, host: this.options.targetHost ?? '127.0.0.1' });
    const pair = [client, upstream];
    let dead = false;
    const kill = () => {
      if (dead) return;
      dead = true;
      for (const socket of pair) socket.destroy();
    };
    for (const socket of pair) {
      this.sockets.add(socket);
      socket.on('error', kill);
      // A side that closes has its chunks still in the delay queue delivered
      // first (as TCP delivers data before the FIN): see forward().
      socket.on('close', () => this.sockets.delete(socket));
    }
    const drop = this.options.dropAfterMs ?? null;
    if (drop !== null) {
      this.later(this.between(drop), () => {
        if (dead) return;
        if (this.healthy) {
          this.stats.spared += 1;
          return;
        }
        this.stats.drops += 1;
        kill();
      });
    }
    this.forward(client, upstream, () => dead, kill);
    this.forward(upstream, client, () => dead, kill);
  }

  /** Forwards chunks in order, each after its delay; may cut one and drop the link. */
  private forward(from: Socket, to: Socket, isDead: () => boolean, kill: () => void): void {
    let chain = Promise.resolve();
    from.on('close', () => {
      chain = chain.then(kill);
    });
    from.on('data', (chunk: Buffer) => {
      const delay = this.options.delayMs ? this.between(this.options.delayMs) : 0;
      const cut = !this.healthy && this.random() < (this.options.cutChance ?? 0);
      const cutAt = cut ? Math.floor(this.random() * chunk.length) : chunk.length;
      chain = chain.then(
        () =>
          new Promise<void>((resolve) => {
            this.later(delay, () => {
              if (!isDead()) {
                to.write(chunk.subarray(0, cutAt));
                this.stats.bytes += cutAt;
                if (cut) {
                  this.stats.cuts += 1;
                  kill();
                }
              }
              resolve();
            });
          }),
      );
    });
  }
}
