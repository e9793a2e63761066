import type { AedesOptions } from 'aedes';
import type { RedisOptions } from 'ioredis';
import MQEmitterRedis from 'mqemitter-redis';
import aedesPersistenceRedis, { type RedisPersistence } from 'aedes-persistence-redis';
import { ConfigError } from '../../shared/errors/config-error.js';
import { EmbeddedBroker, type EmbeddedBrokerOptions } from './embedded-broker.js';

export interface ClusterNodeOptions extends Omit<EmbeddedBrokerOptions, 'aedes'> {
  /** The redis every node of the cluster shares: `redis://[user:password@]host:port[/db]`. */
  redisUrl: string;
  /** Other aedes options (limits); mq and persistence are the cluster's. */
  aedes?: Omit<AedesOptions, 'mq' | 'persistence'>;
  /** At most this many queued QoS 1 messages are delivered to a returning session (aedes-persistence-redis' default is 1000). */
  maxSessionDelivery?: number;
}

/**
 * One node of aedes' cluster mode (SPEC §9): the embedded broker, with its access
 * rules and listeners, on an mqemitter-redis (messages between nodes) and an
 * aedes-persistence-redis (retained messages, sessions, subscriptions, offline
 * queues). Every node on the same redis is one broker to the clients.
 */
export class ClusterNode {
  readonly name = 'cluster node';
  private node: EmbeddedBroker | null = null;
  private persistence: RedisPersistence | null = null;

  constructor(private readonly options: ClusterNodeOptions) {
    redisOptions(options.redisUrl);
  }

  get broker(): EmbeddedBroker {
    if (this.node === null) throw new Error('cluster node is not started');
    return this.node;
  }

  get mqttPort(): number {
    return this.node?.mqttPort ?? 0;
  }

  get wsPort(): number {
    return this.node?.wsPort ?? 0;
  }

  async start(): Promise<void> {
    const { redisUrl, aedes, maxSessionDelivery, ...rest } = this.options;
    const redis = redisOptions(redisUrl);
    const mq = MQEmitterRedis(redis);
    const persistence = aedesPersistenceRedis({ ...redis, ...(maxSessionDelivery === undefined ? {} : { maxSessionDelivery }) });
    this.persistence = persistence;
    // aedes.close() ends with mq.close(); the persistence must let go of the mq
    // first (its destroy() unsubscribes from it, and hangs on a closed one).
    const closeMq = mq.close.bind(mq);
    mq.close = (cb) => {
      void this.closePersistence().finally(() => closeMq(cb));
    };
    const node = new EmbeddedBroker({ ...rest, aedes: { ...aedes, mq, persistence } });
    try {
      await node.start();
    } catch (error) {
      // start() already closed aedes, and with it the persistence and the mq.
      await this.closePersistence();
      throw error;
    }
    this.node = node;
  }

  /** Closes the listeners and the clients, then the node's redis connections; the shared state stays in redis. */
  async stop(): Promise<void> {
    const node = this.node;
    this.node = null;
    await node?.stop();
  }

  private async closePersistence(): Promise<void> {
    const persistence = this.persistence;
    this.persistence = null;
    if (persistence === null) return;
    // Never with a callback: the callback form waits for a 'ready' event that
    // aedes 1.x never causes (it calls setup(), not the `broker` setter).
    await persistence.destroy();
  }
}

/** `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS) as ioredis options. */
export function redisOptions(url: string): RedisOptions {
  const problem = (message: string) => new ConfigError('--cluster', [{ path: '--cluster', message }]);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw problem(`use a redis URL like redis://10.0.0.5:6379 (got ${JSON.stringify(url)})`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw problem(`use a redis:// or rediss:// URL, like redis://10.0.0.5:6379 (got ${JSON.stringify(url)})`);
  }
  if (parsed.hostname === '') throw problem(`the redis URL has no host (got ${JSON.stringify(url)})`);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw problem(`the path of the redis URL is a database number, like /0 (got ${JSON.stringify(url)})`);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(db === '' ? {} : { db: Number(db) }),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
