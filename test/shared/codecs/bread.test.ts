/**
 * SPEC: the bread oven's retained topics carry plain text: the state (froid,
 * cuisson, prêt, brûlé) on `pain/cuisson`, °C with one decimal on
 * `pain/cuisson/temperature`. The device encodes, the pages decode, with one codec.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BREAD_STATES, isBreadState } from '../../../shared/bread.js';
import {
  MAX_BREAD_STATE_BYTES,
  MAX_CELSIUS_BYTES,
  decodeBreadState,
  decodeCelsius,
  encodeBreadState,
  encodeCelsius,
} from '../../../shared/codecs/bread.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('bread state', () => {
  it.each(BREAD_STATES)('round-trips %s, from text or bytes', (state) => {
    expect(encodeBreadState(state)).toBe(state);
    expect(decodeBreadState(encodeBreadState(state))).toEqual({ ok: true, value: state });
    expect(decodeBreadState(bytes(encodeBreadState(state)))).toEqual({ ok: true, value: state });
  });

  it('normalizes a decomposed accent and trims blanks', () => {
    expect(decodeBreadState(bytes('pre\u0302t\n'))).toEqual({ ok: true, value: 'prêt' });
    expect(decodeBreadState(' brûlé ')).toEqual({ ok: true, value: 'brûlé' });
  });

  it('accepts words it does not know, for the page to show as sent', () => {
    expect(decodeBreadState('tiède')).toEqual({ ok: true, value: 'tiède' });
    expect(isBreadState('tiède')).toBe(false);
    expect(isBreadState('cuisson')).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['empty', ' \n'],
    ['not-utf8', new Uint8Array([0x70, 0xff])],
    ['too-large', 'x'.repeat(MAX_BREAD_STATE_BYTES + 1)],
  ] as const)('rejects with %s: %j', (reason, payload) => {
    expect(decodeBreadState(payload)).toMatchObject({ ok: false, reason });
  });
});

describe('bread temperature', () => {
  it.each([
    [92.44, '92.4'],
    [92.45, '92.5'],
    [20, '20'],
    [-3.21, '-3.2'],
  ])('encodes %s °C as %j', (celsius, text) => {
    expect(encodeCelsius(celsius)).toBe(text);
  });

  it('decodes what it encodes, to the tenth of a degree', () => {
    fc.assert(
      fc.property(fc.double({ min: -60, max: 400, noNaN: true }), (celsius) => {
        const decoded = decodeCelsius(encodeCelsius(celsius));
        expect(decoded.ok).toBe(true);
        if (decoded.ok) expect(Math.abs(decoded.value - celsius)).toBeLessThanOrEqual(0.05 + 1e-9);
      }),
    );
  });

  it('reads a number with blanks around it', () => {
    expect(decodeCelsius(bytes(' 63.5 \n'))).toEqual({ ok: true, value: 63.5 });
  });

  it.each([
    ['empty', ''],
    ['empty', '  '],
    ['bad-type', 'hot'],
    ['bad-type', 'NaN'],
    ['bad-type', 'Infinity'],
    ['bad-type', '92,4'],
    ['not-utf8', new Uint8Array([0x39, 0xff])],
    ['too-large', '1'.repeat(MAX_CELSIUS_BYTES + 1)],
  ] as const)('rejects with %s: %j', (reason, payload) => {
    expect(decodeCelsius(payload)).toMatchObject({ ok: false, reason });
  });
});
