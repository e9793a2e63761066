/**
 * In real Chromium against the real server: the countdown reads the same on a
 * kiosk and on a phone whose clock is an hour off (hub time, SPEC §5), and a kiosk
 * shows how many voted, not for what, while the results are hidden.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { canRun } from '../harness/system-deps.js';
import { adminPost, openPage, useWebHub, waitConnected } from './helpers.js';

const SKEWED_CLOCK = `{ const real = Date.now.bind(Date); Date.now = () => real() + 3_600_000; }`;

async function secondsShown(page: Page, selector: string): Promise<number> {
  const text = (await page.locator(selector).textContent()) ?? '';
  const match = /(\d+):(\d\d)/.exec(text);
  if (match === null) throw new Error(`no countdown in ${JSON.stringify(text)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

describe.skipIf(!canRun('chromium'))('countdown and hidden results on the pages', { timeout: 90_000 }, () => {
  const rig = useWebHub({ publisher: true });
  const pages: Page[] = [];
  afterAll(async () => {
    for (const page of pages) await page.context().close().catch(() => undefined);
  });

  it('the same remaining time on a kiosk and on a phone an hour ahead; hidden results show the number of votes only', async () => {
    rig.hub.server.polls.create({ id: 'chrono', question: 'Chrono ?', options: ['A', 'B'] });
    await adminPost(rig.hub, '/api/polls/chrono/open?seconds=600');
    const kiosk = (await openPage(rig.browser, `${rig.hub.url}/kiosk`, { width: 1280, height: 720 })).page;
    const phone = (await openPage(rig.browser, `${rig.hub.url}/vote`, { width: 390, height: 844, initScript: SKEWED_CLOCK })).page;
    pages.push(kiosk, phone);
    await waitConnected(kiosk);
    await waitConnected(phone);
    await kiosk.locator('.countdown', { hasText: ':' }).waitFor();
    await phone.locator('.countdown', { hasText: ':' }).waitFor();
    const [onKiosk, onPhone] = [await secondsShown(kiosk, '.countdown'), await secondsShown(phone, '.countdown')];
    expect(onKiosk).toBeGreaterThan(500);
    expect(onKiosk).toBeLessThanOrEqual(600);
    expect(Math.abs(onKiosk - onPhone)).toBeLessThanOrEqual(2);

    await adminPost(rig.hub, '/api/polls/chrono/hide');
    for (const option of ['A', 'A', 'B']) await rig.publisher.publishAsync('classroom/votes/chrono', option, { qos: 1 });
    await kiosk.locator('.hidden-note', { hasText: 'Résultats masqués' }).waitFor();
    await kiosk.locator('.total', { hasText: '3 votes' }).waitFor();
    expect(await kiosk.locator('.bars').isHidden()).toBe(true);
    await adminPost(rig.hub, '/api/polls/chrono/show');
    await kiosk.locator('.bars').waitFor();
    await expect.poll(() => kiosk.locator('.bar-row[data-option="A"] .bar-count').textContent()).toBe('2');

    await adminPost(rig.hub, '/api/polls/chrono/close');
    await phone.locator('.notice', { hasText: 'fermé' }).waitFor();
    expect(await phone.locator('.countdown').isHidden()).toBe(true);
  });
});
