/**
 * The teacher's page from the keyboard alone (Tab, Shift+Tab, Enter, Space and
 * typing): sign in with the typed secret, make a two-question lesson in the
 * page, run it (next, hide, show, a countdown, close); and no serious axe-core
 * violation with the editor open, nor with a lesson loaded and running.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { canRun } from '../harness/system-deps.js';
import { type OpenedPage, openPage, useWebHub } from './helpers.js';
import { bearer } from './prof-scenario.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.join(', ')})`);
}

/** What has the focus: its id, else its text. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim() || '');

/** Presses Tab (or Shift+Tab) until the focused element's id or text is `target`; fails after 40 presses. */
async function tabTo(page: Page, target: string, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
  for (let i = 0; i < 40; i += 1) {
    if ((await focused(page)) === target) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${target} never got the focus by ${key} (last: ${await focused(page)})`);
}

describe.skipIf(!canRun('chromium'))("the teacher's page by keyboard alone", { timeout: 90_000 }, () => {
  const rig = useWebHub();
  const opened: OpenedPage[] = [];
  afterAll(async () => {
    for (const { page } of opened) await page.context().close().catch(() => undefined);
  });

  it('signs in, makes a lesson, runs it, with no serious axe-core violation', async () => {
    const result = await openPage(rig.browser, `${rig.hub.url}/prof`, { width: 390, height: 844 });
    opened.push(result);
    const { page, problems } = result;
    await page.locator('body[data-signed-in="false"]').waitFor();
    expect(await focused(page)).toBe('prof-secret');
    await page.keyboard.type(rig.hub.server.adminToken);
    await page.keyboard.press('Enter');
    await page.locator('body[data-signed-in="true"]').waitFor();

    // A new lesson, typed in the page.
    await tabTo(page, 'prof-lesson-new');
    await page.keyboard.press('Enter');
    await page.locator('#prof-editor').waitFor();
    expect(await focused(page)).toBe('prof-editor-lesson-title');
    await page.keyboard.type('Au clavier');
    const typeQuestion = async (text: string, options: string[], correct: string) => {
      await page.keyboard.press('Tab');
      await page.keyboard.type(text);
      await page.keyboard.press('Tab');
      for (const [i, option] of options.entries()) {
        if (i > 0) await page.keyboard.press('Enter');
        await page.keyboard.type(option);
      }
      await page.keyboard.press('Tab');
      await page.keyboard.type(correct);
    };
    await typeQuestion('Il pleut ?', ['Oui', 'Non'], 'Oui');
    await tabTo(page, 'prof-editor-add');
    await page.keyboard.press('Enter');
    // The new question's text field has the focus: go back one to type into it with the same steps.
    await page.keyboard.press('Shift+Tab');
    await typeQuestion('Il neige ?', ['o=Oui', 'n=Non'], 'n');
    expect(await seriousViolations(page)).toEqual([]);
    await tabTo(page, 'prof-editor-save');
    await page.keyboard.press('Enter');
    await page.locator('#prof-message', { hasText: 'Leçon « Au clavier » enregistrée' }).waitFor();
    const lesson = (await bearer(rig.hub, 'GET', '/api/lessons')).json.lessons[0];
    expect(lesson.questions.map((q: { question: string; correct: string | null; options: unknown[] }) => [q.question, q.correct, q.options.length])).toEqual([
      ['Il pleut ?', 'Oui', 2],
      ['Il neige ?', 'n', 2],
    ]);
    const [first, second] = lesson.questions.map((q: { pollId: string }) => q.pollId) as [string, string];
    const poll = (id: string) => rig.hub.server.polls.get(id).poll;

    // Run it: "Lancer" is just before "Modifier", which has the focus after saving.
    expect(await focused(page)).toBe('Modifier');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('Lancer');
    await page.keyboard.press('Enter');
    expect(await focused(page)).toBe('prof-run-next');
    await page.keyboard.press('Enter');
    await expect.poll(() => poll(first).state).toBe('open');
    await tabTo(page, 'prof-run-hide');
    await page.keyboard.press('Space');
    await expect.poll(() => poll(first).hidden).toBe(true);
    await page.locator('#prof-run-hide[aria-pressed="true"]').waitFor();
    await page.keyboard.press('Space');
    await expect.poll(() => poll(first).hidden).toBeUndefined();

    await tabTo(page, 'prof-run-next', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => poll(second).state).toBe('open');
    expect(poll(first).state).toBe('closed');
    await tabTo(page, 'prof-run-seconds');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('300');
    await page.keyboard.press('Enter');
    await expect.poll(() => poll(second).deadline ?? 0).toBeGreaterThan(Date.now() + 200_000);
    await page.locator('.run-countdown', { hasText: 'Temps restant : 4:' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // At the last question "Suivante" says so and keeps the focus; "Fermer" closes it.
    await tabTo(page, 'prof-run-next', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await page.locator('#prof-message', { hasText: 'dernière question' }).waitFor();
    expect(await focused(page)).toBe('prof-run-next');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('prof-run-toggle');
    await page.keyboard.press('Enter');
    await expect.poll(() => poll(second).state).toBe('closed');

    // A JSON lesson file, chosen from the file field with Space.
    await tabTo(page, 'prof-lesson-file');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
    const file = { title: 'Fichier JSON', questions: [{ question: 'Ça marche ?', options: ['Oui', 'Non'], correct: 'Oui', seconds: 30 }] };
    await chooser.setFiles({ name: 'lecon.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    await page.locator('#prof-message', { hasText: 'Leçon « Fichier JSON » importée (1 question)' }).waitFor();
    expect((await bearer(rig.hub, 'GET', '/api/lessons')).json.lessons.map((l: { title: string }) => l.title)).toEqual(['Au clavier', 'Fichier JSON']);
    expect(problems).toEqual([]);

    // The same page in English (the session is this browser's: no new sign-in).
    await page.goto(`${rig.hub.url}/prof?lang=en`);
    await page.locator('body[data-signed-in="true"]').waitFor();
    await page.getByRole('heading', { name: 'Running lesson' }).waitFor();
    await page.locator('#prof-run', { hasText: 'Choose a lesson and “Run”.' }).waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).first().click();
    await page.getByRole('button', { name: 'Next', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'History and export' }).waitFor();
  });
});
