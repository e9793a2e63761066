/**
 * The kiosk page in headless Chromium, with a probe: a MutationObserver on the
 * results that records, with `Date.now()` (the same wall clock as Node's), each
 * time the sum of the counts on screen changes. It fires after the page's render
 * has changed the DOM, before style, layout and paint.
 */
import type { Browser, Page } from 'playwright-core';

export interface Shown {
  /** [sum of the counts on screen, Date.now() when it appeared] in order. */
  changes: [number, number][];
}

// A string, not a function: tsx's name-keeping helper (__name) does not exist in the page.
const PROBE = `(() => {
  const sum = () => {
    let total = 0;
    for (const count of document.querySelectorAll('.bar-count')) total += Number((count.textContent || '').replace(/\\D/g, '') || 0);
    return total;
  };
  const probe = [];
  let last = sum();
  window.__shown = probe;
  new MutationObserver(() => {
    const now = sum();
    if (now !== last) probe.push([now, Date.now()]);
    last = now;
  }).observe(document.querySelector('.results'), { subtree: true, childList: true, characterData: true });
})()`;

export async function openKiosk(browser: Browser, url: string, bars: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'fr-FR' });
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`kiosk: ${error.message}\n`));
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('.conn')?.getAttribute('data-state') === 'connected', null, { timeout: 15_000 });
  await page.waitForFunction((n) => document.querySelectorAll('.bar-row .bar-count').length === n, bars, { timeout: 15_000 });
  await page.evaluate(PROBE);
  return page;
}

export function shownChanges(page: Page): Promise<[number, number][]> {
  return page.evaluate(() => (window as unknown as { __shown: [number, number][] }).__shown);
}

/** Waits until the screen shows `total` (or the timeout passes); returns the changes. */
export async function waitShown(page: Page, total: number, timeoutMs: number): Promise<[number, number][]> {
  await page
    .waitForFunction((n) => ((window as unknown as { __shown: [number, number][] }).__shown.at(-1)?.[0] ?? 0) >= n, total, { timeout: timeoutMs, polling: 100 })
    .catch(() => undefined);
  return shownChanges(page);
}

/**
 * Latency of each press: the first time the screen showed a count >= k, minus the
 * time of the k-th press. Presses never shown are left out (and counted).
 */
export function latencies(pressTimes: readonly number[], changes: readonly [number, number][]): { ms: number[]; missing: number } {
  const ms: number[] = [];
  let c = 0;
  for (let k = 1; k <= pressTimes.length; k += 1) {
    while (c < changes.length && (changes[c]?.[0] ?? 0) < k) c += 1;
    const change = changes[c];
    if (change === undefined) return { ms, missing: pressTimes.length - k + 1 };
    ms.push(change[1] - (pressTimes[k - 1] as number));
  }
  return { ms, missing: 0 };
}

export async function closePage(page: Page | null): Promise<void> {
  await page?.context().close().catch(() => undefined);
}
