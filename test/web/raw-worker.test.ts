/**
 * The kiosk counting raw votes (course mode, `?topic=`) under a stream (issue 17,
 * item 3): the raw topic's connection, its parsing and the counting live in a worker
 * (web/lib/raw-worker.ts), so the page's main thread gets one message per drawing,
 * not one per vote, and the count shown stays exact. Then the worker's connection
 * across a broker restart: the badge says so, and the counts go on from where they were.
 */
import type { MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { watchProblems } from '../harness/browser.js';
import { canRun } from '../harness/system-deps.js';
import { openPage, useWebHub, waitConnected, waitKioskCounts } from './helpers.js';

const OPTIONS = ['A', 'B', 'C', 'D'];
const KIOSK = `/kiosk?topic=test/phone&options=${OPTIONS.join(',')}`;

/**
 * Counts every 'message' event the page's main thread handles from a WebSocket or a
 * Worker (the two ways votes can reach it), whichever way the handler was attached.
 */
const COUNT_MESSAGES = `(() => {
  if (typeof document === 'undefined' || window.__mainMessages !== undefined) return;
  window.__mainMessages = 0;
  const counted = (fn) => function (event) { window.__mainMessages += 1; return fn.call(this, event); };
  for (const proto of [WebSocket.prototype, Worker.prototype]) {
    const handler = Object.getOwnPropertyDescriptor(proto, 'onmessage');
    Object.defineProperty(proto, 'onmessage', {
      configurable: true,
      get: handler.get,
      set(fn) { handler.set.call(this, typeof fn === 'function' ? counted(fn) : fn); },
    });
    const add = EventTarget.prototype.addEventListener;
    proto.addEventListener = function (type, fn, options) {
      return add.call(this, type, type === 'message' && typeof fn === 'function' ? counted(fn) : fn, options);
    };
  }
})()`;

/** Renders that changed the results (one MutationObserver callback per task that drew). */
async function countDraws(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __draws: number };
    w.__draws = 0;
    new MutationObserver(() => (w.__draws += 1)).observe(document.querySelector('.results') as Node, { subtree: true, childList: true, characterData: true });
  });
}

const read = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __mainMessages: number; __draws: number };
    return { messages: w.__mainMessages, draws: w.__draws };
  });

/** `count` bare option ids (what the course's page sends), every fifth one not an option of the page. */
async function stream(publisher: MqttClient, count: number, expected: Record<string, number>): Promise<number> {
  let rejected = 0;
  const sent: Promise<unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const option = i % 5 === 4 ? 'PHY1001' : (OPTIONS[(i * 7 + (i >> 4)) % 4] as string);
    if (option === 'PHY1001') rejected += 1;
    else expected[option] = (expected[option] ?? 0) + 1;
    sent.push(publisher.publishAsync('test/phone', option, { qos: 1 }));
  }
  await Promise.all(sent);
  return rejected;
}

const zero = () => Object.fromEntries(OPTIONS.map((o) => [o, 0]));

describe.skipIf(!canRun('chromium'))('the kiosk counting raw votes off its main thread', { timeout: 90_000 }, () => {
  const rig = useWebHub({ env: { VOTE_TOPIC: 'test/phone' }, publisher: true });

  it('3,000 raw votes: exact counts, and the main thread handles about one message per drawing, not one per vote', async () => {
    const { page, problems } = await openPage(rig.browser, `${rig.hub.url}${KIOSK}`, { width: 1920, height: 1080, initScript: COUNT_MESSAGES });
    await waitConnected(page);
    await waitKioskCounts(page, zero());
    await countDraws(page);
    const before = await read(page);

    const expected = zero();
    const rejected = await stream(rig.publisher, 3_000, expected);
    await waitKioskCounts(page, expected, 60_000);
    await page.locator('.total', { hasText: `${rejected} refusés` }).waitFor();
    const after = await read(page);
    const messages = after.messages - before.messages;
    const draws = after.draws - before.draws;
    expect(draws).toBeGreaterThan(0);
    // The worker posts again only once the page drew its last counts: at most one
    // message per drawing, and a few for the connection's state (on the main
    // thread, each vote was a WebSocket message: ~3,000).
    expect(messages, `${messages} messages on the main thread for ${draws} drawings`).toBeLessThanOrEqual(draws + 5);
    // The raw topic's socket is the worker's.
    expect(page.workers()).toHaveLength(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe.skipIf(!canRun('chromium'))('the kiosk counting raw votes where no worker starts', { timeout: 90_000 }, () => {
  const rig = useWebHub({ env: { VOTE_TOPIC: 'test/phone' }, publisher: true });

  /** `allowed`: what the page may log (the refused worker script). */
  async function countsOnThePage(page: Page, problems: string[], allowed?: RegExp): Promise<void> {
    await waitConnected(page);
    await waitKioskCounts(page, zero());
    const expected = zero();
    const rejected = await stream(rig.publisher, 200, expected);
    await waitKioskCounts(page, expected);
    await page.locator('.total', { hasText: `${rejected} refusés` }).waitFor();
    expect(page.workers()).toHaveLength(0);
    expect(problems.filter((problem) => allowed === undefined || !allowed.test(problem))).toEqual([]);
    await page.context().close();
  }

  it('a browser without module workers: the page counts on its own connection, exactly', async () => {
    const { page, problems } = await openPage(rig.browser, `${rig.hub.url}${KIOSK}`, { width: 1920, height: 1080, initScript: 'delete window.Worker' });
    await countsOnThePage(page, problems);
  });

  it('a worker script that does not load: the page counts instead, exactly', async () => {
    const context = await rig.browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'fr-FR' });
    // The page's own script loads; the same file fetched again, for the worker, fails.
    let fetched = 0;
    await context.route('**/assets/kiosk.js', (route) => (fetched++ === 0 ? route.continue() : route.fulfill({ status: 404, body: 'gone' })));
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${rig.hub.url}${KIOSK}`);
    await countsOnThePage(page, problems, /404|Failed to load/);
    expect(fetched).toBe(2);
  });
});

describe.skipIf(!canRun('chromium', 'mosquitto'))('the raw counting worker across a Mosquitto restart', { timeout: 90_000 }, () => {
  let mosquitto: MosquittoBroker;
  beforeAll(async () => {
    mosquitto = await startMosquitto({ persistence: true });
  });
  afterAll(async () => {
    await mosquitto?.dispose();
  });
  const rig = useWebHub({ env: () => ({ MQTT_URL: mosquitto.url, MQTT_WS_URL: mosquitto.wsUrl, VOTE_TOPIC: 'test/phone' }) });

  it('says it is reconnecting, comes back by itself and counts on from where it was', async () => {
    const { page, problems } = await openPage(rig.browser, `${rig.hub.url}${KIOSK}`, { width: 1920, height: 1080 });
    await waitConnected(page);
    const expected = zero();
    let publisher = await connectClient(mosquitto.url);
    await stream(publisher, 50, expected);
    await closeClient(publisher);
    await waitKioskCounts(page, expected);

    await mosquitto.stop();
    await page.locator('.conn[data-state="reconnecting"]', { hasText: 'Reconnexion…' }).waitFor({ timeout: 15_000 });
    await mosquitto.start();
    await waitConnected(page, 30_000);

    publisher = await connectClient(mosquitto.url);
    try {
      await stream(publisher, 50, expected);
    } finally {
      await closeClient(publisher);
    }
    await waitKioskCounts(page, expected);
    await page.locator('.total', { hasText: '20 refusés' }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
