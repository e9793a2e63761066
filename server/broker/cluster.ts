import type { AedesOptions } from 'aedes';
import { Redis, type RedisOptions } from 'ioredis';
import MQEmitterRedis from 'mqemitter-redis';
import aedesPersistenceRedis, { type RedisPersistence } from 'aedes-persistence-redis';
import { silentLogger } from '../../runtime/logger.js';
import { systemScheduler } from '../../runtime/scheduler.js';
import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';
import { ConfigError } from '../../shared/errors/config-error.js';
import { RedisUnreachableError } from '../errors/redis-unreachable-error.js';
import { EmbeddedBroker, type EmbeddedBrokerContext } from './embedded-broker.js';

export interface ClusterNodeContext extends Omit<EmbeddedBrokerContext, 'aedes'> {
  /** The redis every node of the cluster shares: `redis://[user:password@]host:port[/db]`. */
  redisUrl: string;
  /** Other aedes options (limits); mq and persistence are the cluster's. */
  aedes?: Omit<AedesOptions, 'mq' | 'persistence'>;
  /** At most this many queued QoS 1 messages are delivered to a returning session (aedes-persistence-redis' default is 1000). */
  maxSessionDelivery?: number;
  /** How long start() waits for redis before giving up (default 10 s). */
  redisWaitMs?: number;
  /** Times the two waits (redis at start, the persistence at close); default the system's. */
  scheduler?: Scheduler;
}

/** mqemitter-redis reports its connections' errors and reconnects on `state` (not in its types). */
interface MqState {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'pubConnect' | 'subConnect', listener: () => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

const REDIS_WAIT_MS = 10_000;
const CLOSE_WAIT_MS = 3_000;

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

  constructor(private readonly options: ClusterNodeContext) {
    redisOptions(options.redisUrl);
  }

  private get scheduler(): Scheduler {
    return this.options.scheduler ?? systemScheduler;
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
    const { redisUrl, aedes, maxSessionDelivery, redisWaitMs, scheduler: _scheduler, ...rest } = this.options;
    const logger = rest.logger ?? silentLogger;
    const redis = redisOptions(redisUrl);
    const mq = MQEmitterRedis(redis);
    const state = (mq as unknown as { state: MqState }).state;
    try {
      await connected(state, redisWaitMs ?? REDIS_WAIT_MS, this.scheduler);
    } catch (error) {
      mq.close(() => undefined);
      throw new RedisUnreachableError(redactedRedisUrl(redisUrl), { cause: error });
    }
    // Without a listener an 'error' here kills the process: redis restarting must
    // not take every node down with it. ioredis reconnects by itself.
    let down = false;
    state.on('error', (error) => {
      if (!down) logger.warn('lost the connection to redis: messages between nodes, retained messages and sessions wait for it', { error: error.message });
      down = true;
    });
    state.on('pubConnect', () => {
      if (down) logger.info('connected to redis again');
      down = false;
    });
    // Our own connection for the persistence, to hear its errors: ioredis prints
    // every failed reconnection attempt when nobody listens.
    const db = new Redis(redis);
    db.on('error', () => undefined);
    const persistence = aedesPersistenceRedis({ conn: db, ...(maxSessionDelivery === undefined ? {} : { maxSessionDelivery }) });
    this.persistence = persistence;
    // aedes.close() ends with mq.close(); the persistence lets go of the mq first
    // (its destroy() unsubscribes from it), so the order is right either way.
    const closeMq = mq.close.bind(mq);
    mq.close = (cb) => {
      void this.closePersistence().finally(() => closeMq(cb));
    };
    const node = new EmbeddedBroker({ ...rest, aedes: { ...aedes, mq, persistence } });
    try {
      await node.start();
    } catch (error) {
      // A listener error: start() closed aedes, and with it both. aedes' own
      // start-up failing: nothing did. Closing twice is harmless.
      await this.closePersistence().catch(() => undefined);
      closeMq(() => undefined);
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
    // aedes 1.x never causes (it calls setup(), not the `broker` setter). Bounded:
    // with redis down its unsubscribe would wait for redis forever.
    let timer: TimerHandle | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = this.scheduler.setTimer(resolve, CLOSE_WAIT_MS);
    });
    await Promise.race([persistence.destroy().catch(() => undefined), bound]);
    this.scheduler.clearTimer(timer);
  }
}

/** Resolves once mqemitter-redis' publishing connection is up; rejects on its first error or at the deadline. */
function connected(state: MqState, timeoutMs: number, scheduler: Scheduler): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      scheduler.clearTimer(timer);
      state.off('pubConnect', onConnect);
      state.off('error', onError);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onConnect = () => done();
    const onError = (error: Error) => done(error);
    const timer = scheduler.setTimer(() => done(new Error(`no answer after ${timeoutMs} ms`)), timeoutMs);
    state.on('pubConnect', onConnect);
    state.on('error', onError);
  });
}

/** The URL without its password, for messages and logs. */
export function redactedRedisUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
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
