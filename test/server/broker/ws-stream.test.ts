/**
 * The embedded broker's WebSocket sends what one tick wrote as one frame
 * (server/broker/ws-stream.ts): each MQTT packet used to leave as 4-6 frames and
 * as many socket writes, the first cost of the 5,000-phone burst (issue 17).
 * Counted here frame by frame, with the pages' own packet codec reading them.
 */
import { type Packet, generate, parser } from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type TestEmbeddedBroker, startEmbedded } from '../../harness/embedded.js';
import { closeClient, connectClient } from '../../harness/mqtt.js';
import { until } from '../../harness/wait.js';

describe('the embedded broker over WebSocket', () => {
  let broker: TestEmbeddedBroker | null = null;
  afterEach(async () => {
    await broker?.stop();
    broker = null;
  });

  it('sends each packet in one frame, whole, that a streaming parser reads as one packet', async () => {
    broker = await startEmbedded();
    const ws = new WebSocket(broker.wsUrl, 'mqtt');
    /** Per frame: the packets a fresh parser reads from it alone. */
    const frames: string[][] = [];
    const stream = parser({ protocolVersion: 4 });
    const all: Packet[] = [];
    stream.on('packet', (packet: Packet) => all.push(packet));
    ws.on('message', (data: Buffer) => {
      const alone = parser({ protocolVersion: 4 });
      const got: string[] = [];
      alone.on('packet', (packet: Packet) => got.push(packet.cmd));
      // A piece of a packet parses to nothing, or to an error.
      alone.on('error', () => got.push('unparsable'));
      alone.parse(data);
      frames.push(got);
      stream.parse(data);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    try {
      ws.send(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'frames', keepalive: 30 }));
      await until(() => all.length === 1, 'the CONNACK');
      ws.send(generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'classroom/receipts/frames', qos: 1 }] }));
      await until(() => all.length === 2, 'the SUBACK');
      const publisher = await connectClient(broker.url);
      try {
        await publisher.publishAsync('classroom/receipts/frames', '{"id":"v1","poll":"p","status":"counted"}', { qos: 1 });
      } finally {
        await closeClient(publisher);
      }
      await until(() => all.length === 3, 'the PUBLISH');
      // Before: [connack] came as 4 frames of 1 byte, the SUBACK as 4, the PUBLISH as 6.
      expect(frames).toEqual([['connack'], ['suback'], ['publish']]);
      expect(all.map((p) => p.cmd)).toEqual(['connack', 'suback', 'publish']);
      const publish = all[2] as Packet & { payload: Buffer; topic: string };
      expect(publish.topic).toBe('classroom/receipts/frames');
      expect(publish.payload.toString()).toBe('{"id":"v1","poll":"p","status":"counted"}');
    } finally {
      ws.close();
    }
  });
});
