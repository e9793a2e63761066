import { afterEach, describe, expect, it } from 'vitest';
import { MqttConnection } from '../../runtime/mqtt/connection.js';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';

describe.skipIf(!canRun('mosquitto'))('MqttConnection against Mosquitto', () => {
  let broker: MosquittoBroker | undefined;
  let connection: MqttConnection | undefined;
  afterEach(async () => {
    await connection?.stop();
    await broker?.dispose();
  });

  it('comes back by itself after a broker restart, with its retained will and session', async () => {
    broker = await startMosquitto({ persistence: true });
    const states: string[] = [];
    let connects = 0;
    connection = new MqttConnection({
      url: broker.url,
      clientId: 'test-device',
      clean: false,
      will: { topic: 'classroom/devices/test-device/status', payload: 'offline', retain: true, qos: 1 },
      backoff: { initialMs: 100, maxMs: 400 },
      onConnect: (client) => {
        connects += 1;
        void client.publishAsync('classroom/devices/test-device/status', 'online', { qos: 1, retain: true });
      },
      onStateChange: (state) => states.push(state),
    });
    connection.start();
    await connection.waitConnected();
    await broker.kill();
    await new Promise((r) => setTimeout(r, 300));
    await broker.start();
    await connection.waitConnected(10_000);
    expect(connects).toBe(2);
    expect(states).toEqual(['connected', 'reconnecting', 'connected']);
    const watcher = await connectClient(broker.url);
    const [status] = await collect(watcher, 'classroom/devices/test-device/status', 1);
    expect(status?.payload).toBe('online');
    await closeClient(watcher);
  });
});
