import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors/config-error.js';
import { ENV_DEFAULTS, loadEnv } from '../../runtime/env.js';

describe('loadEnv', () => {
  it('gives the documented defaults with an empty environment', () => {
    const config = loadEnv({ env: {}, dotenvPath: null, cwd: '/srv/app' });
    expect(config).toMatchObject({
      mqttUrl: null,
      mqttPort: 1883,
      httpPort: 8080,
      topicPrefix: 'classroom',
      voteTopic: null,
      dataDir: '/srv/app/data',
      logLevel: 'info',
      tallyIntervalMs: 50,
      maxPayloadBytes: 1024,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads .env, and the real environment wins over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-'));
    writeFileSync(join(dir, '.env'), 'MQTT_URL=mqtt://pi.local:1883\nTOPIC_PREFIX=salle12\nVOTE_TOPIC=test/phone\n');
    const config = loadEnv({ env: { TOPIC_PREFIX: 'ecole/salle3' }, cwd: dir });
    expect(config.mqttUrl).toBe('mqtt://pi.local:1883');
    expect(config.topicPrefix).toBe('ecole/salle3');
    expect(config.voteTopic).toBe('test/phone');
  });

  it('reports every bad variable at once, naming each', () => {
    let caught: unknown;
    try {
      loadEnv({
        env: { MQTT_PORT: 'abc', HTTP_PORT: '70000', TOPIC_PREFIX: 'a/#', LOG_LEVEL: 'loud', VOTE_TOPIC: 'test/+' },
        dotenvPath: null,
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.problems.map((p) => p.path).sort()).toEqual(['HTTP_PORT', 'LOG_LEVEL', 'MQTT_PORT', 'TOPIC_PREFIX', 'VOTE_TOPIC']);
    expect(error.message).toContain('MQTT_PORT');
    expect(error.message).toContain('"loud"');
  });

  it('is mirrored by .env.example, variable for variable, default for default', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const documented = Object.fromEntries(
      example
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(documented).toEqual({ ...ENV_DEFAULTS });
  });
});
