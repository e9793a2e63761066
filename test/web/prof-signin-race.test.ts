/**
 * The teacher's page asks the hub at load whether this browser is signed in. On a
 * busy hub or a slow Wi-Fi that answer may come back after the teacher has already
 * typed the secret and signed in: the late "not signed in" (asked before the cookie
 * existed) must not sign the page out again. Seen in the full test run as a reveal
 * button that never appeared.
 */
import type { Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { canRun } from '../harness/system-deps.js';
import { useWebHub } from './helpers.js';

describe.skipIf(!canRun('chromium'))("the teacher's page signing in while its first session check is on its way", { timeout: 60_000 }, () => {
  const rig = useWebHub();

  it('stays signed in when the answer asked before signing in arrives after it', async () => {
    rig.hub.server.polls.create({ id: 'lent', question: 'Réponse lente ?', options: ['Oui', 'Non'] });
    const context = await rig.browser.newContext({ locale: 'fr-FR' });
    try {
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let heldOne = false;
      await context.route('**/api/session', async (route: Route) => {
        // The page's first GET (its load-time check) reaches the hub at once, but its
        // answer is held back until after the sign-in; everything else goes through.
        if (route.request().method() === 'GET' && !heldOne) {
          heldOne = true;
          const answer = await route.fetch();
          await held;
          await route.fulfill({ response: answer });
          return;
        }
        await route.continue();
      });
      const page = await context.newPage();
      await page.goto(`${rig.hub.url}/prof`);
      await expect.poll(() => heldOne).toBe(true);
      await page.fill('#prof-secret', rig.hub.server.adminToken);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.locator('body[data-signed-in="true"]').waitFor();
      await page.locator('.poll', { hasText: 'Réponse lente ?' }).waitFor();

      // Now the old answer ("not signed in", asked without the cookie) arrives.
      const late = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'GET');
      release();
      expect(await (await late).json()).toEqual({ signedIn: false });
      // Two frames: whatever the page does with that answer, it has done it.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      expect(await page.locator('body').getAttribute('data-signed-in')).toBe('true');
      expect(await page.locator('.poll', { hasText: 'Réponse lente ?' }).isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });
});
