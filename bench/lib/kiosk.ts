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

/**
 * The second probe, installed before the page's scripts: every WebSocket the page
 * opens gets a first 'message' listener (it runs before the page's own) that reads
 * the MQTT PUBLISH packets in the frame and records, with Date.now(), each tally
 * snapshot's total (['t', total, at, topic]) and each raw vote on a floor topic
 * (['r', n, at, topic], n counting them). Packets split across frames are put back together.
 */
const WS_PROBE = `(() => {
  const seen = [];
  window.__ws = seen;
  let raw = 0;
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  window.WebSocket = function (url, protocols) {
    const socket = new Native(url, protocols);
    let pending = new Uint8Array(0);
    socket.addEventListener('message', (event) => {
      const at = Date.now();
      if (!(event.data instanceof ArrayBuffer)) return;
      const chunk = new Uint8Array(event.data);
      const bytes = new Uint8Array(pending.length + chunk.length);
      bytes.set(pending);
      bytes.set(chunk, pending.length);
      let i = 0;
      for (;;) {
        if (i + 2 > bytes.length) break;
        let length = 0, shift = 0, j = i + 1, b = 0;
        do {
          if (j >= bytes.length) { b = -1; break; }
          b = bytes[j++];
          length += (b & 127) << shift;
          shift += 7;
        } while (b & 128);
        if (b === -1 || j + length > bytes.length) break;
        if (bytes[i] >> 4 === 3) {
          const qos = (bytes[i] >> 1) & 3;
          const topicLength = (bytes[j] << 8) | bytes[j + 1];
          const topic = decoder.decode(bytes.subarray(j + 2, j + 2 + topicLength));
          const start = j + 2 + topicLength + (qos > 0 ? 2 : 0);
          if (topic.indexOf('/tally/') >= 0) {
            try { seen.push(['t', JSON.parse(decoder.decode(bytes.subarray(start, j + length))).total, at, topic]); } catch (e) {}
          } else if (topic.indexOf('/chat/floor') >= 0) {
            raw += 1;
            seen.push(['r', raw, at, topic]);
          }
        }
        i = j + length;
      }
      pending = bytes.slice(i);
    });
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  for (const key of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) window.WebSocket[key] = Native[key];
})()`;

/** What the WebSocket probe saw on `topic`: [tally total or raw votes so far, its Date.now()]. */
export async function wsSeen(page: Page, topic: string): Promise<[number, number][]> {
  const seen = await page.evaluate(() => (window as unknown as { __ws: ['t' | 'r', number, number, string][] }).__ws);
  return seen.filter((entry) => entry[3] === topic).map(([, n, at]) => [n, at]);
}

/** `wsProbe`: also the WebSocket probe (press to screen's stages; not under the kiosk-load floods, where it would add work). */
export async function openKiosk(browser: Browser, url: string, bars: number, options: { wsProbe?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'fr-FR' });
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`kiosk: ${error.message}\n`));
  if (options.wsProbe === true) await page.addInitScript(WS_PROBE);
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
