import { describe, expect, it } from 'vitest';
import { DeviceInfoPublisher } from '../../device/device-info.js';
import { decodeDeviceInfo } from '../../shared/codecs/device-info.js';
import { ManualScheduler } from '../harness/manual-scheduler.js';
import { FakeLink } from './helpers/fake-link.js';

const TOPIC = 'classroom/devices/box-1/info';
const FIXED = { version: '1.0.0', inputs: [{ type: 'simulation', buttons: [{ id: '1', press: 1, longPress: null }] }], sensors: [] };

function setUp() {
  const link = new FakeLink();
  link.connected = false;
  const scheduler = new ManualScheduler();
  let outbox = 0;
  const info = new DeviceInfoPublisher({ link, topic: TOPIC, scheduler, fixed: FIXED, outboxSize: () => outbox });
  const sent = () => link.published.filter((p) => p.topic === TOPIC).map((p) => ({ ...p, info: decodeDeviceInfo(p.payload) }));
  return { link, scheduler, info, sent, setOutbox: (n: number) => (outbox = n) };
}

describe('DeviceInfoPublisher (device/device-info.ts)', () => {
  it('publishes retained at QoS 1 on every connect', () => {
    const { link, info, sent } = setUp();
    info.start();
    expect(sent()).toEqual([]);
    link.connect(false);
    link.connect(true);
    expect(sent()).toHaveLength(2);
    expect(sent()[0]).toMatchObject({ retain: true, qos: 1, info: { ok: true, value: { ...FIXED, outbox: 0 } } });
  });

  it('a change goes out at once, a burst after it at most once a second with the latest numbers', () => {
    const { link, scheduler, info, sent, setOutbox } = setUp();
    info.start();
    link.connect();
    scheduler.advance(5_000);
    setOutbox(1);
    info.activity();
    scheduler.advance(0);
    expect(sent().map((s) => s.info.ok && s.info.value.outbox)).toEqual([0, 1]);
    const pressedAt = scheduler.now();
    for (let n = 2; n <= 5; n += 1) {
      setOutbox(n);
      info.changed();
      scheduler.advance(100);
    }
    expect(sent()).toHaveLength(2);
    scheduler.advance(1_000);
    const last = sent().at(-1)?.info;
    expect(sent()).toHaveLength(3);
    expect(last).toMatchObject({ ok: true, value: { outbox: 5, lastActivity: pressedAt } });
  });

  it('sends nothing after stop', () => {
    const { link, scheduler, info, sent } = setUp();
    info.start();
    link.connect();
    info.changed();
    info.stop();
    scheduler.advance(10_000);
    expect(sent()).toHaveLength(1);
  });
});
