/** Small DOM helpers of the teacher's page. */

const shownKeys = new WeakMap<HTMLElement, string>();

/**
 * Rebuilds `container` only when `key` (what it shows) changed, and gives the
 * focus back to the control that had it (`data-focus` names it): the page
 * refreshes every second and a keyboard user must not lose their place.
 */
export function renderKeyed(container: HTMLElement, key: string, build: () => Node[]): void {
  if (shownKeys.get(container) === key) return;
  shownKeys.set(container, key);
  const active = document.activeElement;
  const focus = active instanceof HTMLElement && container.contains(active) ? active.dataset['focus'] : undefined;
  container.replaceChildren(...build());
  if (focus !== undefined) container.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focus)}"]`)?.focus();
}

/** The counts as one line: `Paris 3 · Lyon 1`. */
export function countsLine(options: readonly { id: string; label: string }[], counts: Readonly<Record<string, number>>, number: (n: number) => string): string {
  return options.map((o) => `${o.label} ${number(counts[o.id] ?? 0)}`).join(' · ');
}

/** A download link to an API export (the session cookie rides along: same origin, Path=/api). */
export function downloadLink(text: string, href: string, focus: string, label?: string): HTMLAnchorElement {
  const link = document.createElement('a');
  link.className = 'download';
  link.textContent = text;
  link.href = href;
  link.setAttribute('download', '');
  link.dataset['focus'] = focus;
  if (label !== undefined) link.setAttribute('aria-label', label);
  return link;
}
