/**
 * Building the pages without HTML strings: every piece of text goes in with
 * `textContent`, so a poll label or a chat name such as `<img onerror=…>` stays text.
 */
export interface ElementSpec {
  class?: string;
  text?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  spec: ElementSpec = {},
  children: readonly Node[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (spec.class !== undefined) node.className = spec.class;
  if (spec.text !== undefined) node.textContent = spec.text;
  for (const [name, value] of Object.entries(spec.attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

/** Sets text only when it changed: a re-render that changes nothing touches no node. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** The page's root element (`<main id="app">` written by web/build.mjs). */
export function appRoot(): HTMLElement {
  const root = document.getElementById('app');
  if (root === null) throw new Error('the page has no #app element');
  return root;
}

/** Links to the other pages, keeping `?lang=` when it was given. */
export function navBar(t: (key: 'nav.kiosk' | 'nav.vote' | 'nav.pain' | 'nav.chat') => string, current: string): HTMLElement {
  const lang = new URLSearchParams(location.search).get('lang');
  const suffix = lang === null ? '' : `?lang=${encodeURIComponent(lang)}`;
  const links = (['kiosk', 'vote', 'pain', 'chat'] as const).map((page) =>
    el('a', {
      class: page === current ? 'nav-link nav-link--current' : 'nav-link',
      text: t(`nav.${page}`),
      attrs: { href: `/${page}${suffix}`, ...(page === current ? { 'aria-current': 'page' } : {}) },
    }),
  );
  return el('nav', { class: 'nav' }, links);
}
