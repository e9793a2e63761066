import type { Aedes } from 'aedes';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeviceConfig, parseDeviceConfig } from '../../device/config.js';
import { Accounts } from '../../server/access/accounts.js';
import { createAccessRules } from '../../server/access/access-rules.js';
import { EmbeddedBroker } from '../../server/broker/embedded-broker.js';
import { createTopics } from '../../shared/topics.js';
import { ConfigError } from '../../shared/errors/config-error.js';
import { closeClient, connectClient } from '../harness/mqtt.js';

/** The topics a device publishes outside its own `<prefix>/devices/<id>/…` branch. */
function sharedTopics(config: DeviceConfig): string[] {
  const topics: string[] = [];
  if (config.bread !== null) topics.push(config.bread.topic, config.bread.temperatureTopic);
  if (config.homeAssistant !== null) topics.push(`${config.homeAssistant.prefix}/sensor/${config.deviceId}/config`);
  return topics;
}

/**
 * Publishes retained at QoS 1 and reports what the embedded broker made of it: the
 * topic and retain flag it routed (a refused publish is PUBACKed but routed to
 * nowhere, a refused retain flag cleared: server/broker/access-hooks.ts).
 */
function publishedAs(aedes: Aedes, client: MqttClient, topic: string): Promise<{ topic: string; retain: boolean }> {
  return new Promise((resolve) => {
    const onPublish = (packet: { topic: string; retain: boolean; payload: unknown }, from: { id: string } | null) => {
      if (from?.id !== client.options.clientId || String(packet.payload) !== `probe ${topic}`) return;
      aedes.off('publish', onPublish);
      resolve({ topic: packet.topic, retain: packet.retain });
    };
    aedes.on('publish', onPublish);
    client.publish(topic, `probe ${topic}`, { qos: 1, retain: true });
  });
}

describe('a device config that validates never gets a publish refused by the embedded broker', () => {
  // The server's wiring (server/wiring/mqtt-side.ts): its rules, DEVICE_ACCOUNTS=box-1:box-1-secret.
  const broker = new EmbeddedBroker({
    host: '127.0.0.1',
    mqttPort: 0,
    wsPort: 0,
    access: {
      rules: createAccessRules({ topics: createTopics({ prefix: 'classroom' }), voteTopic: null }),
      accounts: new Accounts({ serverPassword: null, devices: new Map([['box-1', 'box-1-secret']]), browser: null }),
    },
  });
  beforeAll(() => broker.start());
  afterAll(() => broker.stop());

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
    const box = await connectClient(`mqtt://127.0.0.1:${broker.mqttPort}`, { username: 'box-1', password: 'box-1-secret' });
    try {
      const aedes = broker.broker;
      for (const topic of sharedTopics(config)) expect(await publishedAs(aedes, box, topic)).toEqual({ topic, retain: true });
    } finally {
      await closeClient(box);
    }
  });
});
