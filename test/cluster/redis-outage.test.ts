import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterNode } from '../../server/broker/cluster.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { type RedisServer, startRedis } from '../harness/redis.js';
import { canRun } from '../harness/system-deps.js';

/**
 * redis dies and comes back: mqemitter-redis reports it as an 'error' event that
 * would kill the process without a listener; the nodes log it, stay up, and
 * carry messages between each other again once redis is back.
 */
describe.skipIf(!canRun('redis-server'))('a cluster node when redis restarts', () => {
  let redis: RedisServer;
  let a: ClusterNode;
  let b: ClusterNode;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    a = new ClusterNode({ redisUrl: redis.url, host: '127.0.0.1', mqttPort: 0, wsPort: 0 });
    b = new ClusterNode({ redisUrl: redis.url, host: '127.0.0.1', mqttPort: 0, wsPort: 0 });
    await a.start();
    await b.start();
  });
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((client) => closeClient(client)));
    await a?.stop();
    await b?.stop();
    await redis?.dispose();
  });

  it('stays up while redis is down and carries messages between nodes again once it is back', async () => {
    const onA = await connectClient(`mqtt://127.0.0.1:${a.mqttPort}`);
    const onB = await connectClient(`mqtt://127.0.0.1:${b.mqttPort}`);
    clients.push(onA, onB);
    const seen: string[] = [];
    onA.on('message', (_t, p) => seen.push(p.toString()));
    await onA.subscribeAsync('classroom/chat/+', { qos: 1 });

    await redis.kill();
    // Both nodes notice (a publish between nodes fails), neither dies of it.
    onB.publish('classroom/chat/b', 'during', { qos: 0 });
    await redis.start();
    // A CONNECT needs the persistence: once redis is back, nodes take new clients again.
    const after = await connectClient(`mqtt://127.0.0.1:${b.mqttPort}`, { connectTimeout: 20_000 });
    clients.push(after);

    // ioredis resubscribes on reconnect (mqemitter-redis' subscriptions are its own).
    let n = 0;
    await expect
      .poll(
        async () => {
          await onB.publishAsync('classroom/chat/b', `after ${++n}`, { qos: 1 });
          return seen.some((p) => p.startsWith('after'));
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(true);
  });
});
