import { describe, expect, it } from 'vitest';
import { ClusterNode, redactedRedisUrl, redisOptions } from '../../../server/broker/cluster.js';
import { RedisUnreachableError } from '../../../server/errors/redis-unreachable-error.js';
import { ConfigError } from '../../../shared/errors/config-error.js';
import { freePort } from '../../harness/ports.js';

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
});
