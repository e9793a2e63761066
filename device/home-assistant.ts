import type { Component } from '../runtime/lifecycle.js';
import type { Logger } from '../runtime/logger.js';
import { BREAD_STATES } from '../shared/bread.js';
import { BUTTON_EVENTS } from '../shared/codecs/button-event.js';
import { decodeStatus, encodeStatus } from '../shared/codecs/status.js';
import type { Topics } from '../shared/topics.js';
import type { MqttLink } from './publisher.js';

export interface HomeAssistantDiscoveryContext {
  readonly link: Pick<MqttLink, 'publish' | 'subscribe' | 'onConnect'>;
  /** Discovery prefix, `homeassistant` unless Home Assistant was configured otherwise. */
  readonly prefix: string;
  readonly deviceId: string;
  readonly name: string;
  readonly topics: Topics;
  readonly buttons: readonly string[];
  readonly bread: { readonly topic: string; readonly temperatureTopic: string } | null;
  readonly version: string;
  readonly logger: Logger;
}

export interface DiscoveryMessage {
  readonly topic: string;
  readonly config: Record<string, unknown>;
}

/** Discovery topic levels allow only [a-zA-Z0-9_-]; our ids allow more (Zoé, box.1). */
function slug(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^a-zA-Z0-9_-]/g, '_');
}

/** The retained discovery configs: one event entity per button, two bread sensors. */
export function discoveryMessages(options: Omit<HomeAssistantDiscoveryContext, 'link' | 'logger'>): DiscoveryMessage[] {
  const { prefix, deviceId, name, topics, version } = options;
  const node = slug(deviceId);
  const uid = (what: string) => `mqtt-classroom-${node}-${what}`;
  const common = {
    device: { identifiers: [uid('device')], name, manufacturer: 'mqtt-classroom', model: 'vote box and bread probe', sw_version: version },
    origin: { name: 'mqtt-classroom', sw_version: version },
    availability: [{ topic: topics.deviceStatus(deviceId), payload_available: encodeStatus('online'), payload_not_available: encodeStatus('offline') }],
  };
  const messages: DiscoveryMessage[] = options.buttons.map((button) => ({
    topic: `${prefix}/event/${node}/button_${slug(button)}/config`,
    config: {
      name: `Button ${button}`,
      unique_id: uid(`button-${slug(button)}`),
      state_topic: topics.deviceButton(deviceId, button),
      event_types: [...BUTTON_EVENTS],
      // Our event JSON says {"event": "press"}; Home Assistant wants event_type.
      value_template: "{{ {'event_type': value_json.event} | to_json }}",
      icon: 'mdi:gesture-tap-button',
      ...common,
    },
  }));
  if (options.bread !== null) {
    messages.push(
      {
        topic: `${prefix}/sensor/${node}/bread_temperature/config`,
        config: {
          name: 'Bread temperature',
          unique_id: uid('bread-temperature'),
          state_topic: options.bread.temperatureTopic,
          device_class: 'temperature',
          state_class: 'measurement',
          unit_of_measurement: '°C',
          ...common,
        },
      },
      {
        topic: `${prefix}/sensor/${node}/bread_state/config`,
        config: {
          name: 'Bread doneness',
          unique_id: uid('bread-state'),
          state_topic: options.bread.topic,
          device_class: 'enum',
          options: [...BREAD_STATES],
          icon: 'mdi:bread-slice',
          ...common,
        },
      },
    );
  }
  return messages;
}

/**
 * Home Assistant MQTT discovery: the configs are published (retained) after each
 * connect and again whenever Home Assistant announces `online` on
 * `<prefix>/status`, as it does after its own restart.
 */
export class HomeAssistantDiscovery implements Component {
  readonly name = 'home assistant discovery';
  private readonly messages: DiscoveryMessage[];

  constructor(private readonly options: HomeAssistantDiscoveryContext) {
    this.messages = discoveryMessages(options);
  }

  start(): void {
    const { link, prefix } = this.options;
    link.onConnect(() => this.publishAll());
    link.subscribe(`${prefix}/status`, 1, (_topic, payload) => {
      // Home Assistant's birth and will messages use the same two words as ours.
      const status = decodeStatus(payload);
      if (status.ok && status.value === 'online') {
        this.options.logger.info('Home Assistant is online: sending discovery again');
        this.publishAll();
      }
    });
  }

  stop(): void {}

  private publishAll(): void {
    for (const message of this.messages) {
      this.options.link.publish(message.topic, JSON.stringify(message.config), { qos: 1, retain: true });
    }
  }
}
