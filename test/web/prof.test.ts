/**
 * The teacher's page (`/prof`) in a real Chromium against the real server: signing
 * in with the printed link or the typed secret, by keyboard alone, signing out,
 * and no serious axe-core violation.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { canRun } from '../harness/system-deps.js';
import { type OpenedPage, openPage, useWebHub } from './helpers.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
    return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes})`);
}

describe.skipIf(!canRun('chromium'))("the teacher's page", { timeout: 90_000 }, () => {
  const rig = useWebHub();
  const opened: OpenedPage[] = [];

  /** A fresh printed link, as a path on the hub. */
  const linkPath = () => rig.hub.server.signInLink().replace(/^https?:\/\/[^/]+/, '');

  async function open(path: string, options: { width?: number; height?: number; locale?: string } = {}) {
    const result = await openPage(rig.browser, `${rig.hub.url}${path}`, options);
    opened.push(result);
    return result;
  }

  afterAll(async () => {
    for (const { page } of opened) await page.context().close().catch(() => undefined);
  });

  it('signs in with the printed link (which leaves the address bar), runs a poll by keyboard, signs out', async () => {
    rig.hub.server.polls.create({ id: 'cours', question: 'Quel cours ?', options: ['IFT1215', 'MAT1400'] });
    const { page, problems } = await open(linkPath(), { width: 390, height: 844 });
    await page.locator('body[data-signed-in="true"]').waitFor();
    expect(page.url()).not.toContain('signin=');
    await page.locator('.poll', { hasText: 'Quel cours ?' }).waitFor();

    // Keyboard alone: Tab until the poll's "Ouvrir" button has focus, then Enter.
    for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.textContent === 'Ouvrir')); i += 1) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => rig.hub.server.polls.get('cours').poll.state).toBe('open');
    await page.locator('.poll--open').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // The session survives a reload: signed in once per browser.
    await page.reload();
    await page.locator('body[data-signed-in="true"]').waitFor();

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.locator('body[data-signed-in="false"]').waitFor();
    await page.reload();
    await page.locator('body[data-signed-in="false"]').waitFor();
    expect(problems).toEqual([]);
  });

  it('a used link is refused with a clear message; the typed secret signs in by keyboard alone (English)', async () => {
    const link = linkPath();
    const first = await open(link);
    await first.page.locator('body[data-signed-in="true"]').waitFor();

    const { page } = await open(`${link.replace('/prof#', '/prof?lang=en#')}`, { locale: 'en-GB' });
    await page.locator('.error', { hasText: 'used or has expired' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // The secret field has focus: type and press Enter.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prof-secret');
    await page.keyboard.type('wrong-secret');
    await page.keyboard.press('Enter');
    await page.locator('.error', { hasText: 'Wrong secret' }).waitFor();
    await page.keyboard.type(rig.hub.server.adminToken);
    await page.keyboard.press('Enter');
    await page.locator('body[data-signed-in="true"]').waitFor();
    // Nothing a script on the page can read holds the secret or the session.
    const readable = await page.evaluate(() => `${document.cookie}|${JSON.stringify(localStorage)}|${JSON.stringify(sessionStorage)}|${document.body.innerHTML}`);
    expect(readable).not.toContain(rig.hub.server.adminToken);
    expect(readable).not.toContain('mqtt_classroom_prof');
  });
});
