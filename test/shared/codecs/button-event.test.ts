/** SPEC: a box announces each press on its buttons topic as `{"event", "ts"}` JSON. */
import { describe, expect, it } from 'vitest';
import { BUTTON_EVENTS, decodeButtonEvent, encodeButtonEvent } from '../../../shared/codecs/button-event.js';

describe('button events', () => {
  it.each(BUTTON_EVENTS)('round-trips a %s', (event) => {
    const text = encodeButtonEvent({ event, ts: 1_700_000_000_000 });
    expect(JSON.parse(text)).toEqual({ event, ts: 1_700_000_000_000 });
    expect(decodeButtonEvent(text)).toEqual({ ok: true, value: { event, ts: 1_700_000_000_000 } });
  });

  it.each([
    ['bad-json', 'press'],
    ['bad-type', '["press", 1]'],
    ['missing-field', '{"event": "press"}'],
    ['missing-field', '{"ts": 1}'],
    ['bad-type', '{"event": "down", "ts": 1}'],
    ['bad-type', '{"event": "press", "ts": "1"}'],
    ['not-utf8', new Uint8Array([0x7b, 0xff])],
  ] as const)('rejects with %s: %j', (reason, payload) => {
    expect(decodeButtonEvent(payload)).toMatchObject({ ok: false, reason });
  });
});
