import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ClusterNode, redactedRedisUrl, redisOptions } from '../../../server/broker/cluster.js';
import { RedisUnreachableError } from '../../../server/errors/redis-unreachable-error.js';
import { ConfigError } from '../../../shared/errors/config-error.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';
import { freePort } from '../../harness/ports.js';
import { until } from '../../harness/wait.js';

describe('the --cluster URL (server/broker/cluster.ts)', () => {
  it('turns redis:// URLs into ioredis options', () => {
    expect(redisOptions('redis://10.0.0.5')).toEqual({ host: '10.0.0.5', port: 6379 });
    expect(redisOptions('redis://:s%40cret@10.0.0.5:6380/2')).toEqual({ host: '10.0.0.5', port: 6380, password: 's@cret', db: 2 });
    expect(redisOptions('rediss://user:pw@redis.school.lan')).toEqual({ host: 'redis.school.lan', port: 6379, username: 'user', password: 'pw', tls: {} });
    expect(redisOptions('redis://[::1]:7000')).toEqual({ host: '::1', port: 7000 });
  });

  it.each(['localhost:6379', 'mqtt://10.0.0.5:1883', 'redis://10.0.0.5/cache', 'redis://'])('refuses %s with a config error naming --cluster', (url) => {
    expect(() => redisOptions(url)).toThrow(ConfigError);
    expect(() => new ClusterNode({ redisUrl: url, mqttPort: 0 })).toThrow(/--cluster/);
  });

  it('never shows the password of the URL', () => {
    expect(redactedRedisUrl('redis://:secret@10.0.0.5:6379')).toBe('redis://***@10.0.0.5:6379');
    expect(redactedRedisUrl('redis://10.0.0.5:6379')).toBe('redis://10.0.0.5:6379');
  });

  it('start() says redis cannot be reached when nothing listens there', async () => {
    const port = await freePort();
    const node = new ClusterNode({ redisUrl: `redis://:secret@127.0.0.1:${port}`, host: '127.0.0.1', mqttPort: 0, wsPort: 0 });
    const error = await node.start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedisUnreachableError);
    expect((error as Error).message).toContain(`redis://***@127.0.0.1:${port}`);
    expect((error as Error).message).not.toContain('secret');
  });

  it("start()'s wait for redis runs on the node's scheduler (issue 12 item 3: no direct clock)", async () => {
    // Accepts TCP and never answers the TLS handshake: ioredis never connects, never fails.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const scheduler = new ManualScheduler();
    const node = new ClusterNode({ redisUrl: `rediss://127.0.0.1:${port}`, host: '127.0.0.1', mqttPort: 0, wsPort: 0, redisWaitMs: 60_000, scheduler });
    let outcome: unknown = null;
    const started = node.start().then(
      () => 'started',
      (e: unknown) => e,
    );
    void started.then((value) => (outcome = value));
    try {
      await until(() => sockets.size > 0, 'the node to reach the silent server');
      scheduler.advance(60_000);
      await until(() => outcome !== null, 'start() to give up at the simulated deadline');
      expect(outcome).toBeInstanceOf(RedisUnreachableError);
      expect(String((outcome as Error).cause)).toContain('no answer after 60000 ms');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
