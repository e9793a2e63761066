import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors/config-error.js';
import { ENV_DEFAULTS, loadAdminEnv, loadChatEnv, loadDeviceEnv, loadServerEnv } from '../../runtime/env.js';

describe('loadServerEnv', () => {
  it('gives the documented defaults with an empty environment', () => {
    const config = loadServerEnv({ env: {}, dotenvPath: null, cwd: '/srv/app' });
    expect(config).toMatchObject({
      mqttUrls: null,
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
    const config = loadServerEnv({ env: { TOPIC_PREFIX: 'ecole/salle3' }, cwd: dir });
    expect(config.mqttUrls).toEqual(['mqtt://pi.local:1883']);
    expect(config.topicPrefix).toBe('ecole/salle3');
    expect(config.voteTopic).toBe('test/phone');
  });

  it('reports every bad variable at once, naming each', () => {
    let caught: unknown;
    try {
      loadServerEnv({
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

describe('each process reads only its own variables', () => {
  const othersBroken = { SERVER_URL: 'nope', HTTP_PORT: 'x', MQTT_WS_URL: 'http://x', ADMIN_TOKEN: 'short', DEVICE_ACCOUNTS: ':', BROWSER_MQTT_USERNAME: 'voter' };

  it('the device agent: its broker, prefix, data and log level, whatever the server variables say', () => {
    const env = loadDeviceEnv({
      env: { ...othersBroken, MQTT_URL: 'mqtt://pi.local:1883', MQTT_USERNAME: 'box-1', MQTT_PASSWORD: 'pw', MQTT_CLIENT_ID: 'box-1-session', TOPIC_PREFIX: 'salle', LOG_LEVEL: 'warn' },
      dotenvPath: null,
      cwd: '/srv/app',
    });
    expect(env).toEqual({
      mqtt: { urls: ['mqtt://pi.local:1883'], username: 'box-1', password: 'pw', clientId: 'box-1-session' },
      topicPrefix: 'salle',
      dataDir: '/srv/app/data',
      logLevel: 'warn',
    });
    expect(loadDeviceEnv({ env: { MQTT_PORT: '1884' }, dotenvPath: null }).mqtt).toEqual({ urls: ['mqtt://127.0.0.1:1884'], username: null, password: null, clientId: null });
  });

  it('the device agent still reports its own bad variables, all at once, each named', () => {
    expect(() => loadDeviceEnv({ env: { ...othersBroken, MQTT_URL: 'pi.local', LOG_LEVEL: 'loud' }, dotenvPath: null })).toThrow(
      expect.objectContaining({ problems: [expect.objectContaining({ path: 'MQTT_URL' }), expect.objectContaining({ path: 'LOG_LEVEL', message: expect.stringContaining('"loud"') })] }),
    );
  });

  it('MQTT_URL and MQTT_WS_URL take several nodes of a cluster, comma-separated, and name the bad one', () => {
    const server = loadServerEnv({ env: { MQTT_URL: 'mqtt://10.0.0.5:1883, mqtt://10.0.0.6:1883', MQTT_WS_URL: 'ws://10.0.0.5:8080/mqtt,ws://10.0.0.6:8080/mqtt' }, dotenvPath: null });
    expect(server.mqttUrls).toEqual(['mqtt://10.0.0.5:1883', 'mqtt://10.0.0.6:1883']);
    expect(server.mqttWsUrls).toEqual(['ws://10.0.0.5:8080/mqtt', 'ws://10.0.0.6:8080/mqtt']);
    expect(loadDeviceEnv({ env: { MQTT_URL: 'mqtt://a:1883,mqtt://b:1883' }, dotenvPath: null }).mqtt.urls).toEqual(['mqtt://a:1883', 'mqtt://b:1883']);
    expect(() => loadDeviceEnv({ env: { MQTT_URL: 'mqtt://a:1883,b:1883' }, dotenvPath: null })).toThrow(
      expect.objectContaining({ problems: [expect.objectContaining({ path: 'MQTT_URL', message: expect.stringContaining('"b:1883" must look like') })] }),
    );
    expect(() => loadDeviceEnv({ env: { MQTT_URL: 'mqtt://a:1883,mqtt://a:1883' }, dotenvPath: null })).toThrow(
      expect.objectContaining({ problems: [expect.objectContaining({ message: expect.stringContaining('the same URL twice') })] }),
    );
  });

  it("the server: a bad SERVER_URL (the poll command's) does not stop it", () => {
    expect(loadServerEnv({ env: { SERVER_URL: 'nope' }, dotenvPath: null }).httpPort).toBe(8080);
  });

  it('poll: the server URL and the admin token, whatever the broker variables say', () => {
    const env = loadAdminEnv({ env: { MQTT_URL: 'nope', LOG_LEVEL: 'loud', SERVER_URL: 'http://pi.local:8080/', ADMIN_TOKEN: 'long-enough' }, dotenvPath: null, cwd: '/srv' });
    expect(env).toEqual({ serverUrl: 'http://pi.local:8080', adminToken: 'long-enough', dataDir: '/srv/data' });
    expect(() => loadAdminEnv({ env: { SERVER_URL: 'nope' }, dotenvPath: null })).toThrow(ConfigError);
  });

  it("chat: the browsers' account when there is one, else this machine's", () => {
    const browser = loadChatEnv({ env: { ...othersBroken, BROWSER_MQTT_PASSWORD: 'v', MQTT_USERNAME: 'hub', MQTT_PASSWORD: 'h' }, dotenvPath: null });
    expect(browser.mqtt).toEqual({ urls: ['mqtt://127.0.0.1:1883'], username: 'voter', password: 'v', clientId: null });
    const own = loadChatEnv({ env: { MQTT_USERNAME: 'hub', MQTT_PASSWORD: 'h' }, dotenvPath: null });
    expect(own.mqtt).toMatchObject({ username: 'hub', password: 'h' });
  });
});
