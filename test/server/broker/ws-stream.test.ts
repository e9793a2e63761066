/**
 * The embedded broker over WebSocket sends whole MQTT packets per WebSocket message
 * (server/broker/ws-stream.ts): a PUBLISH was split over ~6 messages (mqtt-packet
 * writes it in pieces and `ws`'s stream sent each piece), each an event on the
 * page's thread (issue 17 item 3: the kiosk counting raw votes at 10,000/s).
 */
import mqttPacket, { type Packet } from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type TestEmbeddedBroker, startEmbedded } from '../../harness/embedded.js';
import { closeClient, connectClient } from '../../harness/mqtt.js';
import { until } from '../../harness/wait.js';

const VOTES = 500;

/** The packets in one WebSocket message, parsed alone: a packet cut at its end is left out. */
function wholePackets(message: Buffer): Packet[] {
  const packets: Packet[] = [];
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  parser.on('packet', (packet: Packet) => packets.push(packet));
  parser.on('error', () => undefined);
  parser.parse(message);
  return packets;
}

describe('the embedded broker over WebSocket', () => {
  let broker: TestEmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbedded();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it(`sends ${VOTES} QoS 1 publishes as whole packets, never one cut over several WebSocket messages`, async () => {
    const socket = new WebSocket(broker.wsUrl, 'mqtt');
    const messages: Buffer[] = [];
    socket.on('message', (data: Buffer) => messages.push(data));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const send = (packet: Packet) => socket.send(mqttPacket.generate(packet));
    send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'ws-frames', keepalive: 30 });
    send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'test/phone', qos: 1 }] });
    const parsed = () => messages.flatMap(wholePackets);
    await until(() => parsed().some((p) => p.cmd === 'suback'), 'a whole SUBACK', {
      detail: () => `${messages.length} WebSocket messages: ${messages.map((m) => m.length).join(', ')} bytes`,
    });

    const publisher = await connectClient(broker.url);
    try {
      await Promise.all(Array.from({ length: VOTES }, (_, i) => publisher.publishAsync('test/phone', `IFT${1000 + i}`, { qos: 1 })));
      const publishes = () => parsed().filter((p): p is mqttPacket.IPublishPacket => p.cmd === 'publish');
      await until(() => publishes().length >= VOTES, `${VOTES} whole publishes`, {
        timeout: 10_000,
        detail: () => `${publishes().length} whole publishes in ${messages.length} WebSocket messages`,
      });
      expect(publishes().map((p) => String(p.payload))).toEqual(Array.from({ length: VOTES }, (_, i) => `IFT${1000 + i}`));
    } finally {
      socket.close();
      await closeClient(publisher);
    }
  });
});
