/** The connection badge every page shows: a coloured dot and a word. */
import type { LinkState } from './connection.js';
import { el, setText } from './dom.js';
import type { Translator } from './i18n.js';

export type PageState = LinkState | 'no-config';

export interface StatusBadge {
  readonly element: HTMLElement;
  show(state: PageState): void;
}

export function statusBadge(tr: Translator): StatusBadge {
  const label = el('span', { class: 'conn-label' });
  const element = el('div', { class: 'conn conn--connecting', attrs: { role: 'status', 'data-state': 'connecting' } }, [
    el('span', { class: 'conn-dot', attrs: { 'aria-hidden': 'true' } }),
    label,
  ]);
  const show = (state: PageState) => {
    element.className = `conn conn--${state}`;
    element.dataset.state = state;
    setText(label, tr.t(`conn.${state}`));
  };
  show('connecting');
  return { element, show };
}
