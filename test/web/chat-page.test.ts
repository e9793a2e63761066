/**
 * Issue 13 item 5, in a real Chromium against the real server: the chat page shows
 * the hub's history with the hub's times (not a retained greeting stamped with the
 * visitor's clock), no unbounded name, hides muted names, and stays bounded under
 * a flood, visible or in a background tab (no animation frames there).
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Figures, scale } from '../reliability/figures.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { adminPost, openPage, useWebHub, waitConnected } from './helpers.js';

const figures = new Figures('chat-page');
afterAll(() => figures.write());

/** Two hours ahead: a phone with a wrong clock. */
const SKEW_MS = 2 * 3600_000;
const SKEWED_CLOCK = `{ const real = Date.now.bind(Date); Date.now = () => real() + ${SKEW_MS}; }`;
/** A background tab: hidden, and never an animation frame. */
const HIDDEN_TAB = `
  Object.defineProperty(Document.prototype, 'hidden', { get: () => true });
  Object.defineProperty(Document.prototype, 'visibilityState', { get: () => 'hidden' });
  window.requestAnimationFrame = () => 0;
`;
// 5,000 in the default run, the 20,000 under SOAK=1.
const FLOOD = scale(5_000, 20_000);
const TEXT_CHARS = 2_000;

/**
 * Counts, from outside the page, the chat messages each render puts in the list
 * (one MutationObserver callback per render) and in all: the work the page does
 * for a flood, which is what froze a visible page.
 */
async function installRenderProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe = { renders: 0, added: 0, maxAddedInOneRender: 0 };
    (window as unknown as { __renders: typeof probe }).__renders = probe;
    new MutationObserver((records) => {
      let added = 0;
      for (const record of records) for (const node of record.addedNodes) if (node instanceof HTMLElement && node.classList.contains('message')) added += 1;
      if (added === 0) return;
      probe.renders += 1;
      probe.added += added;
      probe.maxAddedInOneRender = Math.max(probe.maxAddedInOneRender, added);
    }).observe(document.querySelector('.messages') as Node, { childList: true });
  });
}

async function readRenderProbe(page: Page): Promise<{ renders: number; added: number; maxAddedInOneRender: number }> {
  return page.evaluate(() => (window as unknown as { __renders: { renders: number; added: number; maxAddedInOneRender: number } }).__renders);
}

describe.skipIf(!canRun('chromium'))('the chat page and the hub history', { timeout: 120_000 }, () => {
  const rig = useWebHub({ publisher: true });
  const opened: Page[] = [];
  afterAll(async () => {
    for (const page of opened) await page.context().close();
  });

  async function open(initScript?: string) {
    const result = await openPage(rig.browser, `${rig.hub.url}/chat`, { width: 800, height: 700, ...(initScript === undefined ? {} : { initScript }) });
    opened.push(result.page);
    if (initScript === HIDDEN_TAB) {
      // waitForFunction polls on animation frames by default, and this tab has none.
      await result.page.waitForFunction(() => document.querySelector('.conn')?.getAttribute('data-state') === 'connected', null, { timeout: 15_000, polling: 50 });
    } else {
      await waitConnected(result.page);
    }
    return result;
  }

  const rows = (page: Page) =>
    page.$$eval('.message', (items) => items.map((li) => [li.querySelector('.message-time')?.textContent ?? '', li.querySelector('.message-name')?.textContent ?? '', li.querySelector('.message-text')?.textContent ?? '']));

  it('greets a new visitor with the history at the hub times, not with a retained message at its own time', async () => {
    await adminPost(rig.hub, '/api/chat/clear');
    await rig.publisher.publishAsync('classroom/chat/Professeur', 'Bienvenue (retenu)', { qos: 1, retain: true });
    const before = Date.now();
    await rig.publisher.publishAsync('classroom/chat/Zoé', 'Bonjour la classe', { qos: 1 });
    const after = Date.now();
    await expect.poll(async () => ((await (await fetch(`${rig.hub.url}/api/chat/history`)).json()) as { messages: unknown[] }).messages.length).toBe(2);

    const { page, problems } = await open(SKEWED_CLOCK);
    await page.locator('.message-text', { hasText: 'Bonjour la classe' }).waitFor();
    await rig.publisher.publishAsync('classroom/chat/Léo', 'en direct', { qos: 1 });
    await page.locator('.message-text', { hasText: 'en direct' }).waitFor();
    const shown = await rows(page);
    // Once each: the retained copy replayed on subscribe is not shown again.
    expect(shown.map(([, name, text]) => `${name}: ${text}`)).toEqual(['Professeur: Bienvenue (retenu)', 'Zoé: Bonjour la classe', 'Léo: en direct']);
    const format = (t: number) => page.evaluate((at) => new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(at), t);
    const hubTimes = new Set([await format(before), await format(after)]);
    // The hub's time, although this phone's clock is two hours ahead.
    expect(hubTimes.has(shown[1]?.[0] ?? '')).toBe(true);
    expect(problems).toEqual([]);
    await rig.publisher.publishAsync('classroom/chat/Professeur', '', { qos: 1, retain: true });
  });

  it('shows no name longer than 64 characters; a muted name is hidden from the next load', async () => {
    await adminPost(rig.hub, '/api/chat/clear');
    const { page } = await open();
    await rig.publisher.publishAsync(`classroom/chat/${'N'.repeat(10_000)}`, 'un nom immense', { qos: 1 });
    await rig.publisher.publishAsync('classroom/chat/Eve', 'pub pub pub', { qos: 1 });
    await rig.publisher.publishAsync('classroom/chat/Léo', 'après', { qos: 1 });
    await page.locator('.message-text', { hasText: 'après' }).waitFor();
    const names = (await rows(page)).map(([, name]) => name);
    expect(names).toEqual(['Eve', 'Léo']);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(2_000);

    await adminPost(rig.hub, '/api/chat/mute/Eve');
    const next = await open();
    // Eve from her own connection: the broker drops her chat, and that connection's under any name, while muted.
    const eve = await connectClient(rig.hub.server.mqttUrl);
    await eve.publishAsync('classroom/chat/Eve', 'encore', { qos: 1 });
    await closeClient(eve);
    await rig.publisher.publishAsync('classroom/chat/Léo', 'fin', { qos: 1 });
    await next.page.locator('.message-text', { hasText: 'fin' }).waitFor();
    expect((await rows(next.page)).map(([, name, text]) => `${name}: ${text}`)).toEqual(['Léo: après', 'Léo: fin']);
    await adminPost(rig.hub, '/api/chat/unmute/Eve');
  });

  for (const tab of ['visible', 'hidden'] as const) {
    it(`stays bounded under a flood of ${FLOOD.toLocaleString('en-US')} messages, ${tab}`, async () => {
      const { page, problems } = await open(tab === 'hidden' ? HIDDEN_TAB : undefined);
      const cdp = await page.context().newCDPSession(page);
      const heap = async () => {
        await cdp.send('HeapProfiler.collectGarbage');
        return ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
      };
      const start = await heap();
      await installRenderProbe(page);
      const text = 'x'.repeat(TEXT_CHARS);
      for (let i = 0; i < FLOOD; i += 1) rig.publisher.publish('classroom/chat/Flood', `${i} ${text}`, { qos: 0 });
      await rig.publisher.publishAsync('classroom/chat/Flood', 'dernier du flot', { qos: 1 });
      await page.locator('.message-text', { hasText: 'dernier du flot' }).waitFor({ timeout: 60_000 });
      const grown = (await heap()) - start;
      const items = await page.locator('.message').count();
      const renders = await readRenderProbe(page);
      // Bounded work per render whatever the rate: never more messages built than it keeps
      // (the old page built every message that arrived between two frames, then threw most away).
      expect(renders.maxAddedInOneRender).toBeLessThanOrEqual(200);
      expect(items).toBeLessThanOrEqual(200);
      // Every message kept would be FLOOD × 2,000 characters: 10 MB and more.
      expect(grown).toBeLessThan(4 * 1024 * 1024);
      // Still usable: a message typed now goes out and comes back.
      await page.fill('#chat-name', 'Zoé');
      await page.getByRole('button', { name: 'Entrer' }).click();
      await page.fill('#chat-message', `après le flot (${tab})`);
      await page.getByRole('button', { name: 'Envoyer' }).click();
      await page.locator('.message--mine .message-text', { hasText: `après le flot (${tab})` }).waitFor();
      expect(problems).toEqual([]);
      figures.add({
        area: 'browser',
        what: `a chat flood (${FLOOD.toLocaleString('en-US')} messages of 2,000 characters, as fast as the broker takes them), ${tab} tab`,
        where: 'chat page in Chromium, embedded broker (aedes)',
        tried: FLOOD,
        unit: 'messages',
        lost: 0,
        wrong: 0,
        outcome: `${items} messages kept on the page, heap grew by ${(grown / 1024 / 1024).toFixed(1)} MB after GC; ${renders.renders} renders built ${renders.added} messages (at most ${renders.maxAddedInOneRender} in one); the last message shown, sending still works`,
      });
      // Close it now: the broker would go on writing to it while the next test connects.
      await page.context().close();
      opened.splice(opened.indexOf(page), 1);
    });
  }
});
