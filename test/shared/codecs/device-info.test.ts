import { describe, expect, it } from 'vitest';
import { type DeviceInfo, MAX_DEVICE_INFO_BYTES, decodeDeviceInfo, encodeDeviceInfo } from '../../../shared/codecs/device-info.js';
import { createTopics, parseTopic } from '../../../shared/topics.js';

const INFO: DeviceInfo = {
  version: '0.4.0',
  inputs: [{ type: 'gpio', buttons: [{ id: '1', press: 1, longPress: null }, { id: 'b', press: 'MAT1400', longPress: 2 }] }],
  sensors: [{ type: 'ds18b20', topic: 'pain/cuisson' }],
  outbox: 3,
  lastActivity: 1_700_000_000_000,
  at: 1_700_000_000_500,
};

describe('device-info codec (shared/codecs/device-info.ts)', () => {
  it('round-trips', () => {
    expect(decodeDeviceInfo(encodeDeviceInfo(INFO))).toEqual({ ok: true, value: INFO });
  });

  it('has its topic, and parseTopic reads it back', () => {
    const topics = createTopics();
    expect(topics.deviceInfo('box-1')).toBe('classroom/devices/box-1/info');
    expect(topics.allDeviceInfo).toBe('classroom/devices/+/info');
    expect(parseTopic(topics, 'classroom/devices/box-1/info')).toEqual({ kind: 'device-info', deviceId: 'box-1' });
  });

  it.each([
    ['not JSON', 'nope', 'bad-json'],
    ['no version', JSON.stringify({ ...INFO, version: '' }), 'bad-type'],
    ['a negative outbox', JSON.stringify({ ...INFO, outbox: -1 }), 'bad-type'],
    ['a button without id', JSON.stringify({ ...INFO, inputs: [{ type: 'gpio', buttons: [{ press: 1, longPress: null }] }] }), 'bad-type'],
    ['a bad action', JSON.stringify({ ...INFO, inputs: [{ type: 'gpio', buttons: [{ id: '1', press: 0, longPress: null }] }] }), 'bad-type'],
    ['sensors not a list', JSON.stringify({ ...INFO, sensors: {} }), 'bad-type'],
    ['too large', 'x'.repeat(MAX_DEVICE_INFO_BYTES + 1), 'too-large'],
  ])('rejects %s', (_what, payload, reason) => {
    expect(decodeDeviceInfo(payload)).toMatchObject({ ok: false, reason });
  });
});
