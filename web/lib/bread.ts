/**
 * The bread oven's two retained topics: `pain/cuisson` (froid, cuisson, prêt,
 * brûlé as plain text) and `pain/cuisson/temperature` (a plain number).
 */
import { BREAD_STATES, type BreadState } from '../../shared/bread.js';
import { decodeText } from '../../shared/codecs/payload.js';
import type { Translator } from './i18n.js';

export function isBreadState(value: string): value is BreadState {
  return (BREAD_STATES as readonly string[]).includes(value);
}

/** The state text, NFC-normalized (a device may send "prêt" decomposed); null when empty or unreadable. */
export function parseBreadState(payload: Uint8Array): string | null {
  const text = decodeText(payload, 256);
  if (!text.ok) return null;
  const value = text.value.trim().normalize('NFC');
  return value === '' ? null : value;
}

export function parseCelsius(payload: Uint8Array): number | null {
  const text = decodeText(payload, 64);
  if (!text.ok) return null;
  const trimmed = text.value.trim();
  const value = Number(trimmed);
  return trimmed !== '' && Number.isFinite(value) ? value : null;
}

export function breadLabel(tr: Translator, state: string | null): string {
  if (state === null) return tr.t('bread.none');
  return isBreadState(state) ? tr.t(`bread.state.${state}`) : state;
}

/** A CSS class per known state (colour); unknown text gets the neutral one. */
export function breadClass(state: string | null): string {
  const index = state === null ? -1 : (BREAD_STATES as readonly string[]).indexOf(state);
  return `bread-state bread-state--${index < 0 ? 'unknown' : ['cold', 'baking', 'ready', 'burnt'][index]}`;
}

export function formatCelsius(tr: Translator, celsius: number | null): string {
  return celsius === null ? '— °C' : `${tr.number(celsius, 1)} °C`;
}
