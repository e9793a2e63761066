/**
 * What a vote box says about each press on `<prefix>/devices/<id>/buttons/<button>`
 * (QoS 0, not retained): `{"event":"press","ts":1700000000000}`. Home Assistant
 * reads it as an event entity (device/home-assistant.ts maps `event` to its
 * `event_type`); votes travel separately, on the votes topic.
 */
import { type Payload, decodeText, field, parseJsonObject } from './payload.js';
import { type Decoded, accept, reject } from './rejection.js';

export const BUTTON_EVENTS = ['press', 'long-press'] as const;
export type ButtonEventName = (typeof BUTTON_EVENTS)[number];

export interface ButtonEventMessage {
  readonly event: ButtonEventName;
  /** Epoch milliseconds of the press, from the device's clock. */
  readonly ts: number;
}

export function encodeButtonEvent(message: ButtonEventMessage): string {
  return JSON.stringify({ event: message.event, ts: message.ts });
}

export function decodeButtonEvent(payload: Payload): Decoded<ButtonEventMessage> {
  const text = decodeText(payload);
  if (!text.ok) return text;
  const parsed = parseJsonObject(text.value);
  if (!parsed.ok) return parsed;
  const event = field(parsed.value, 'event');
  const ts = field(parsed.value, 'ts');
  if (event === undefined || ts === undefined) return reject('missing-field', 'a button event needs event and ts');
  if (typeof event !== 'string' || !(BUTTON_EVENTS as readonly string[]).includes(event)) {
    return reject('bad-type', 'event must be press or long-press');
  }
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return reject('bad-type', 'ts must be a number of epoch milliseconds');
  return accept({ event: event as ButtonEventName, ts });
}
