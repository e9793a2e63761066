import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeviceConfig, parseDeviceConfig } from '../../device/config.js';
import { ConfigError } from '../../shared/errors/config-error.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { type TestServer, startTestServer } from './helpers.js';

/** The topics a device publishes outside its own `<prefix>/devices/<id>/…` branch. */
function sharedTopics(config: DeviceConfig): string[] {
  const topics: string[] = [];
  if (config.bread !== null) topics.push(config.bread.topic, config.bread.temperatureTopic);
  if (config.homeAssistant !== null) topics.push(`${config.homeAssistant.prefix}/sensor/${config.deviceId}/config`);
  return topics;
}

/** Publishes at QoS 1: the PUBACK, or the broker dropping the client for a refused topic. */
function publishOrDrop(client: MqttClient, topic: string): Promise<'acknowledged' | 'disconnected'> {
  return new Promise((resolve) => {
    client.once('close', () => resolve('disconnected'));
    client.publish(topic, 'x', { qos: 1 }, (error) => {
      if (!error) resolve('acknowledged');
    });
  });
}

describe('a device config that validates never gets the device dropped by the embedded broker', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ DEVICE_ACCOUNTS: 'box-1:box-1-secret' });
  });
  afterAll(async () => {
    await server.dispose();
  });

  const sensor = { type: 'simulated' };
  it.each([
    ['the default bread topics', { bread: { sensor } }],
    ['a custom bread topic', { bread: { sensor, topic: 'maison/four' } }],
    ['a custom temperature topic', { bread: { sensor, temperatureTopic: 'maison/four/temperature' } }],
    ['Home Assistant on', { bread: { sensor }, homeAssistant: true }],
    ['a custom Home Assistant prefix', { bread: { sensor }, homeAssistant: { prefix: 'ha' } }],
  ])('%s', async (_what, extra) => {
    let config: DeviceConfig;
    try {
      config = parseDeviceConfig({ deviceId: 'box-1', ...extra });
    } catch (error) {
      // Refused up front, naming the field: the device never starts with it.
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.path)).toEqual([expect.stringMatching(/^(bread\.(topic|temperatureTopic)|homeAssistant(\.prefix)?)$/)]);
      return;
    }
    const box = await connectClient(server.running.mqttUrl, { username: 'box-1', password: 'box-1-secret' });
    try {
      for (const topic of sharedTopics(config)) expect([topic, await publishOrDrop(box, topic)]).toEqual([topic, 'acknowledged']);
    } finally {
      await closeClient(box);
    }
  });
});
