import { afterEach, describe, expect, it } from 'vitest';
import { MqttConnection } from '../../runtime/mqtt/connection.js';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { ManualScheduler } from '../harness/manual-scheduler.js';
import { canRun } from '../harness/system-deps.js';
import { until } from '../harness/wait.js';

describe.skipIf(!canRun('mosquitto'))('MqttConnection against Mosquitto', () => {
  let broker: MosquittoBroker | undefined;
  let connection: MqttConnection | undefined;
  afterEach(async () => {
    await connection?.stop();
    await broker?.dispose();
  });

  it('waits out its backoff on the scheduler it is given, and leaves no timer behind on stop', async () => {
    broker = await startMosquitto();
    const scheduler = new ManualScheduler();
    const states: string[] = [];
    connection = new MqttConnection({
      url: broker.url,
      clientId: 'test-backoff',
      clean: true,
      backoff: { initialMs: 1_000, maxMs: 1_000, random: () => 0.999999 },
      scheduler,
      onStateChange: (state) => states.push(state),
    });
    connection.start();
    await connection.waitConnected();
    expect(scheduler.pending).toBe(0); // waitConnected's timeout was cleared
    await broker.stop();
    await until(() => states.includes('reconnecting'), 'the connection to notice the broker is gone');
    await broker.start();
    // The broker is back, but the retry is a timer of this scheduler: nothing moves until time does.
    expect(scheduler.pending).toBe(1);
    expect(connection.connected).toBe(false);
    scheduler.advance(1_000);
    await connection.waitConnected(10_000);
    await connection.stop({ topic: 'test/last', payload: 'bye', retain: false });
    expect(scheduler.pending).toBe(0);
    connection = undefined;
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
    // Back only once the connection has noticed the loss.
    await until(() => states.includes('reconnecting'), 'the connection to notice the broker is gone');
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
