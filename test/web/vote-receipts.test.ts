/**
 * SPEC §5 from the vote page's side, with a broker and no tally server: the test
 * plays the server, so it decides when (and whether) a receipt arrives. "Vote
 * received" must wait for the receipt; a vote without one is sent again with the
 * same id, also after a reload.
 */
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeVote, isPress } from '../../shared/codecs/vote.js';
import { launchBrowser } from '../harness/browser.js';
import { type TestEmbeddedBroker, startEmbedded } from '../harness/embedded.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { type BuiltPages, buildPages, openPage, waitConnected } from './helpers.js';
import { type StaticServer, startStaticServer } from './static-server.js';

interface SeenVote {
  id: string;
  option: string;
  voter: string;
  source: string;
  reply: string | null;
}

describe.skipIf(!canRun('chromium'))('vote page receipts (the test plays the server)', { timeout: 60_000 }, () => {
  let pages: BuiltPages;
  let broker: TestEmbeddedBroker;
  let web: StaticServer;
  let browser: Browser;
  let server: MqttClient;
  const votes: SeenVote[] = [];
  const waiters: (() => void)[] = [];

  beforeAll(async () => {
    pages = await buildPages();
    broker = await startEmbedded();
    web = await startStaticServer(pages.dir, { wsUrl: broker.wsUrl, prefix: 'classroom', voteTopic: null, breadTopic: 'pain/cuisson' });
    browser = await launchBrowser();
    server = await connectClient(broker.url);
    server.on('message', (_topic, payload) => {
      const decoded = decodeVote(payload, { receivedAt: Date.now() });
      if (!decoded.ok || isPress(decoded.value) || decoded.value.id === null || decoded.value.voter === null) return;
      const { id, option, voter, source, reply } = decoded.value;
      votes.push({ id, option, voter, source, reply: reply ?? null });
      for (const wake of waiters.splice(0)) wake();
    });
    await server.subscribeAsync('classroom/votes/+', { qos: 1 });
    const poll = { id: 'q', question: 'A ou B ?', options: [{ id: 'A', label: 'Réponse A' }, { id: 'B', label: 'Réponse B' }], policy: 'last-wins', state: 'open', openedAt: Date.now() };
    await server.publishAsync('classroom/polls/q', JSON.stringify(poll), { qos: 1, retain: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await closeClient(server);
    await web?.stop();
    await broker?.stop();
    pages?.remove();
  });

  /** Resolves with the `count`-th vote (1-based) seen with this id. */
  async function nthSend(id: string | null, count: number, timeoutMs = 15_000): Promise<SeenVote> {
    const matching = () => votes.filter((v) => id === null || v.id === id);
    // Woken by each vote the broker delivers (waiters), not by a timer.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      for (const wake of waiters.splice(0)) wake();
    }, timeoutMs);
    try {
      for (;;) {
        const seen = matching();
        if (seen.length >= count) return seen[count - 1] as SeenVote;
        if (timedOut) throw new Error(`saw ${seen.length} sends of ${id ?? 'any vote'}, wanted ${count}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    } finally {
      clearTimeout(timer);
    }
  }

  function receipt(vote: SeenVote, body: Record<string, unknown>): Promise<unknown> {
    return server.publishAsync(`classroom/receipts/${vote.reply ?? vote.voter}`, JSON.stringify({ id: vote.id, poll: 'q', ...body }), { qos: 1 });
  }

  const feedback = (page: Page) => page.locator('.feedback').textContent();

  it('says "vote reçu" only once the receipt arrives, re-sending the same id until then', async () => {
    const { page, problems } = await openPage(browser, `${web.url}/vote`, { width: 390, height: 844 });
    await waitConnected(page);
    const before = votes.length;
    await page.getByRole('button', { name: 'Réponse B' }).click();
    const first = await nthSend(null, before + 1);
    expect(first).toMatchObject({ option: 'B', source: 'web' });
    // The voter id is a secret (SPEC §8): not on screen, not in the vote id, not the reply address.
    expect(first.voter).toMatch(/^[a-z0-9]{24}$/);
    expect(first.id).not.toContain(first.voter);
    expect(first.reply).toMatch(/^web-vote-[a-z0-9]{16}$/);
    expect(await page.locator('body').innerText()).not.toContain(first.voter);
    expect(await page.content()).not.toContain(first.voter);
    expect(await feedback(page)).not.toContain('reçu');

    // No receipt: after the timeout the page sends it again, same id.
    const again = await nthSend(first.id, 2);
    expect(again).toEqual(first);
    await page.locator('.feedback', { hasText: 'Pas encore de confirmation pour « Réponse B », nouvel envoi' }).waitFor();

    await receipt(first, { status: 'counted' });
    await page.locator('.feedback', { hasText: 'Vote reçu : Réponse B' }).waitFor();
    // Nothing is left waiting, so nothing will be sent again.
    expect(await page.evaluate(() => localStorage.getItem('mqtt-classroom.outbox'))).toBe('[]');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('keeps a vote without receipt over a reload and sends it again with the same id', async () => {
    const { page, problems } = await openPage(browser, `${web.url}/vote`, { width: 390, height: 844 });
    await waitConnected(page);
    const before = votes.length;
    await page.getByRole('button', { name: 'Réponse A' }).click();
    const first = await nthSend(null, before + 1);

    await page.reload();
    await waitConnected(page);
    // Right after reconnecting, the vote still waiting goes out again.
    const resent = await nthSend(first.id, 2);
    // The same vote, now naming the reloaded page's client id for its receipt.
    expect({ ...resent, reply: null }).toEqual({ ...first, reply: null });
    expect(resent.reply).not.toBe(first.reply);
    expect(await feedback(page)).toContain('Réponse A');
    expect(await feedback(page)).not.toContain('reçu');

    await receipt(resent, { status: 'rejected', reason: 'poll-closed' });
    await page.locator('.feedback', { hasText: 'Vote refusé (Réponse A) : le vote est fermé' }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('keeps the same voter id across visits, so the poll policy applies to this browser', async () => {
    const { page } = await openPage(browser, `${web.url}/vote`, { width: 390, height: 844 });
    await waitConnected(page);
    const before = votes.length;
    await page.getByRole('button', { name: 'Réponse A' }).click();
    const first = await nthSend(null, before + 1);
    await receipt(first, { status: 'counted' });
    await page.locator('.feedback', { hasText: 'Vote reçu' }).waitFor();
    await page.reload();
    await waitConnected(page);
    await page.getByRole('button', { name: 'Réponse B' }).click();
    const second = await nthSend(null, before + 2);
    expect(second.voter).toBe(first.voter);
    expect(second.id).not.toBe(first.id);
    await page.context().close();
  });
});
