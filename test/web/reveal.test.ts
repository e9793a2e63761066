/**
 * Issue 15 item 3 in real Chromium against the real server: the teacher reveals
 * the answer from /prof; the kiosk marks the correct option (a ✓ and words, and
 * screen-reader text); each phone says whether its own counted vote was right.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { canRun } from '../harness/system-deps.js';
import { openPage, useWebHub, waitConnected } from './helpers.js';

describe.skipIf(!canRun('chromium'))('the revealed answer on the pages', { timeout: 90_000 }, () => {
  const rig = useWebHub();
  const pages: Page[] = [];
  afterAll(async () => {
    for (const page of pages) await page.context().close().catch(() => undefined);
  });

  async function phoneVotes(label: string): Promise<Page> {
    const { page, problems } = await openPage(rig.browser, `${rig.hub.url}/vote`, { width: 390, height: 844 });
    pages.push(page);
    await waitConnected(page);
    await page.getByRole('button', { name: label }).click();
    await page.locator('.feedback--received').waitFor();
    expect(problems).toEqual([]);
    return page;
  }

  it('the kiosk marks it, a phone that voted right says "Bonne réponse", one that voted wrong "Mauvaise réponse"', async () => {
    rig.hub.server.polls.create({
      id: 'capitale',
      question: 'Capitale de la France ?',
      options: [
        { id: 'A', label: 'Lyon' },
        { id: 'B', label: 'Paris' },
        { id: 'C', label: 'Marseille' },
      ],
      policy: 'last-wins',
      correct: 'B',
    });
    rig.hub.server.polls.open('capitale');
    const { page: kiosk, problems } = await openPage(rig.browser, `${rig.hub.url}/kiosk`, { width: 1280, height: 720 });
    pages.push(kiosk);
    await waitConnected(kiosk);
    await kiosk.locator('.bar-row[data-option="B"]').waitFor();
    const right = await phoneVotes('Paris');
    // This phone changes its mind (last-wins): its counted vote is the last one, Marseille.
    const wrong = await phoneVotes('Lyon');
    await wrong.getByRole('button', { name: 'Marseille' }).click();
    await wrong.locator('.feedback--received', { hasText: 'Marseille' }).waitFor();
    const silent = (await openPage(rig.browser, `${rig.hub.url}/vote`, { width: 390, height: 844 })).page;
    pages.push(silent);
    await waitConnected(silent);
    // Before the reveal nothing says which is right.
    expect(await kiosk.locator('.bar-row--correct').count()).toBe(0);
    expect(await right.locator('.verdict').isHidden()).toBe(true);

    // The teacher reveals from /prof.
    const prof = (await openPage(rig.browser, `${rig.hub.url}/prof`)).page;
    pages.push(prof);
    await prof.fill('#prof-secret', rig.hub.server.adminToken);
    await prof.getByRole('button', { name: 'Se connecter' }).click();
    await prof.getByRole('button', { name: 'Révéler la réponse' }).click();
    await prof.getByText('Réponse révélée : Paris').waitFor();

    const marked = kiosk.locator('.bar-row--correct');
    await marked.waitFor();
    expect(await marked.getAttribute('data-option')).toBe('B');
    // In words, not only by colour; and what a screen reader reads for that row.
    expect(await marked.locator('.bar-correct').innerText()).toContain('Bonne réponse');
    expect(await kiosk.locator('.reveal-note').innerText()).toBe('Bonne réponse : Paris');
    const spoken = await kiosk.locator('.bar-row--correct').evaluate((row) => row.textContent ?? '');
    expect(spoken).toContain('Paris');
    expect(spoken).toContain('Bonne réponse');
    expect(await kiosk.locator('.bar-row[data-option="A"] .bar-correct').count()).toBe(0);

    await right.locator('.verdict--right').waitFor();
    expect(await right.locator('.verdict').innerText()).toContain('Bonne réponse');
    await wrong.locator('.verdict--wrong').waitFor();
    expect(await wrong.locator('.verdict').innerText()).toMatch(/Mauvaise réponse.*Marseille.*Paris/);
    // A phone that did not vote is told the answer, no verdict.
    await silent.locator('.verdict--answer', { hasText: 'Paris' }).waitFor();
    expect(await silent.locator('.verdict').innerText()).not.toMatch(/Bonne réponse|Mauvaise réponse/);
    // After a reload the phone still knows its own vote.
    await right.reload();
    await right.locator('.verdict--right').waitFor();
    expect(problems).toEqual([]);
  });
});
