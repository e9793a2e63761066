/**
 * How the pages show the bread oven's two retained topics, `pain/cuisson` and
 * `pain/cuisson/temperature` (their payloads: shared/codecs/bread.ts).
 */
import { BREAD_STATES, isBreadState } from '../../shared/bread.js';
import { decodeBreadState, decodeCelsius } from '../../shared/codecs/bread.js';
import type { Translator } from './i18n.js';

/** The state as shown (shared codec); null when empty or unreadable. */
export function parseBreadState(payload: Uint8Array): string | null {
  const decoded = decodeBreadState(payload);
  return decoded.ok ? decoded.value : null;
}

/** The temperature as shown (shared codec); null when empty or not a number. */
export function parseCelsius(payload: Uint8Array): number | null {
  const decoded = decodeCelsius(payload);
  return decoded.ok ? decoded.value : null;
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
