import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Publisher } from '../../device/publisher.js';
import { silentLogger } from '../../runtime/logger.js';
import { ClusterNode } from '../../server/broker/cluster.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { type RedisServer, startRedis } from '../harness/redis.js';
import { canRun } from '../harness/system-deps.js';

/**
 * A device's persistent session (clean: false) on a cluster node: aedes with
 * aedes-persistence-redis never answers a SUBSCRIBE that carries several filters
 * for such a session (no SUBACK, no retained messages; found by the failover
 * test), so the box never heard of the open poll. The agent subscribes one
 * filter per SUBSCRIBE.
 */
describe.skipIf(!canRun('redis-server'))('a device session on a cluster node (device/publisher.ts)', () => {
  let redis: RedisServer;
  let node: ClusterNode;
  let publisher: Publisher | null = null;

  beforeAll(async () => {
    redis = await startRedis();
    node = new ClusterNode({ redisUrl: redis.url, host: '127.0.0.1', mqttPort: 0, wsPort: 0 });
    await node.start();
  });
  afterAll(async () => {
    await publisher?.stop();
    await node?.stop();
    await redis?.dispose();
  });

  it('gets the retained messages of each of its subscriptions', async () => {
    const url = `mqtt://127.0.0.1:${node.mqttPort}`;
    const hub = await connectClient(url);
    await hub.publishAsync('classroom/polls/cours', '{"id":"cours"}', { qos: 1, retain: true });
    await hub.publishAsync('classroom/receipts/box-1', 'not retained', { qos: 1 });
    await hub.publishAsync('homeassistant/status', 'online', { qos: 1, retain: true });
    await closeClient(hub);

    publisher = new Publisher({ url, deviceId: 'box-1', statusTopic: 'classroom/devices/box-1/status', logger: silentLogger });
    const got: string[] = [];
    publisher.subscribe('classroom/polls/+', 1, (topic) => got.push(topic));
    publisher.subscribe('classroom/receipts/box-1', 1, (topic) => got.push(topic));
    publisher.subscribe('homeassistant/status', 0, (topic) => got.push(topic));
    publisher.start();
    await publisher.waitConnected();
    await expect.poll(() => [...got].sort(), { timeout: 10_000 }).toEqual(['classroom/polls/cours', 'homeassistant/status']);
  });
});
