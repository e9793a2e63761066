import { describe, expect, it } from 'vitest';
import { HomeAssistantDiscovery, discoveryMessages } from '../../device/home-assistant.js';
import { silentLogger } from '../../runtime/logger.js';
import { createTopics } from '../../shared/topics.js';
import { FakeLink } from './helpers/fake-link.js';

const options = {
  prefix: 'homeassistant',
  deviceId: 'boîte.1',
  name: 'Boîte 1',
  topics: createTopics(),
  buttons: ['rouge', '2'],
  bread: { topic: 'pain/cuisson', temperatureTopic: 'pain/cuisson/temperature' },
  version: '1.2.3',
};

describe('Home Assistant discovery', () => {
  const messages = discoveryMessages(options);
  const byTopic = new Map(messages.map((m) => [m.topic, m.config]));

  it('has an event entity per button and two bread sensors, on valid discovery topics', () => {
    expect(messages.map((m) => m.topic)).toEqual([
      'homeassistant/event/boite_1/button_rouge/config',
      'homeassistant/event/boite_1/button_2/config',
      'homeassistant/sensor/boite_1/bread_temperature/config',
      'homeassistant/sensor/boite_1/bread_state/config',
    ]);
  });

  it('gives every entity what Home Assistant requires: unique_id, state_topic, device, availability', () => {
    const uniqueIds = new Set<string>();
    for (const { config } of messages) {
      expect(typeof config.unique_id).toBe('string');
      uniqueIds.add(config.unique_id as string);
      expect(typeof config.state_topic).toBe('string');
      expect(config.device).toMatchObject({ identifiers: [expect.any(String)], name: 'Boîte 1', sw_version: '1.2.3' });
      expect(config.availability).toEqual([{ topic: 'classroom/devices/boîte.1/status', payload_available: 'online', payload_not_available: 'offline' }]);
      expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    }
    expect(uniqueIds.size).toBe(messages.length);
  });

  it('describes the button events and the bread the way Home Assistant reads them', () => {
    expect(byTopic.get('homeassistant/event/boite_1/button_rouge/config')).toMatchObject({
      state_topic: 'classroom/devices/boîte.1/buttons/rouge',
      event_types: ['press', 'long-press'],
      value_template: expect.stringContaining("'event_type': value_json.event"),
    });
    expect(byTopic.get('homeassistant/sensor/boite_1/bread_temperature/config')).toMatchObject({
      state_topic: 'pain/cuisson/temperature',
      device_class: 'temperature',
      unit_of_measurement: '°C',
    });
    expect(byTopic.get('homeassistant/sensor/boite_1/bread_state/config')).toMatchObject({
      state_topic: 'pain/cuisson',
      device_class: 'enum',
      options: ['froid', 'cuisson', 'prêt', 'brûlé'],
    });
  });

  it('leaves the bread sensors out when there is no probe', () => {
    expect(discoveryMessages({ ...options, bread: null }).map((m) => m.topic)).toHaveLength(2);
  });

  it('publishes retained configs on connect and again when Home Assistant comes online', () => {
    const link = new FakeLink();
    const discovery = new HomeAssistantDiscovery({ ...options, link, logger: silentLogger });
    discovery.start();
    link.connect();
    expect(link.published).toHaveLength(4);
    expect(link.published.every((p) => p.retain && p.qos === 1)).toBe(true);
    link.deliver('homeassistant/status', 'offline');
    expect(link.published).toHaveLength(4);
    link.deliver('homeassistant/status', 'online');
    expect(link.published).toHaveLength(8);
  });
});
