/**
 * The bread oven's two retained topics, as the course's flows read them: the state
 * on `pain/cuisson` (froid, cuisson, prêt, brûlé as plain text) and the probe's
 * temperature on `pain/cuisson/temperature` (a plain number of °C).
 */
import type { BreadState } from '../bread.js';
import { type Payload, decodeText } from './payload.js';
import { type Decoded, accept, reject } from './rejection.js';

export const MAX_BREAD_STATE_BYTES = 256;
export const MAX_CELSIUS_BYTES = 64;

export function encodeBreadState(state: BreadState): string {
  return state;
}

/**
 * The state text, NFC-normalized (a device may send "prêt" decomposed). Any other
 * text is accepted too: another make of device may send its own words, which a
 * page shows as sent (`isBreadState` tells the known ones).
 */
export function decodeBreadState(payload: Payload): Decoded<string> {
  const text = decodeText(payload, MAX_BREAD_STATE_BYTES);
  if (!text.ok) return text;
  const value = text.value.trim().normalize('NFC');
  return value === '' ? reject('empty', 'no bread state in the message') : accept(value);
}

/** `92.4`: one decimal is what the probe is worth and what a dashboard shows. */
export function encodeCelsius(celsius: number): string {
  return String(Math.round(celsius * 10) / 10);
}

export function decodeCelsius(payload: Payload): Decoded<number> {
  const text = decodeText(payload, MAX_CELSIUS_BYTES);
  if (!text.ok) return text;
  const trimmed = text.value.trim();
  if (trimmed === '') return reject('empty', 'no temperature in the message');
  const value = Number(trimmed);
  return Number.isFinite(value) ? accept(value) : reject('bad-type', 'the temperature must be a number of °C');
}
