/**
 * The teacher's page follows the room by itself (SPEC §7, nobody polls), in real
 * Chromium against the real hub: with the page's timers frozen (Playwright's
 * clock), twenty seconds pass without one request, yet a question opened from the
 * admin API (as `mqtt-classroom` does, not from the page) appears on it, a vote's
 * tally moves its bars without a request, and a countdown started elsewhere ticks
 * on the page's own clock. With the broker out of reach, the page says so and
 * still runs the lesson by its own buttons (and sees a countdown's end by itself).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { canRun } from '../harness/system-deps.js';
import { type Hub, type WebHub, useWebHub, waitConnected } from './helpers.js';
import { bearer } from './prof-scenario.js';

const LESSON = {
  title: 'En direct',
  questions: [
    { question: 'Capitale de la France ?', options: [{ id: 'A', label: 'Paris' }, { id: 'B', label: 'Lyon' }] },
    { question: '2 + 2 ?', options: [{ id: 'A', label: '3' }, { id: 'B', label: '4' }] },
  ],
};

async function createLesson(hub: Hub, title: string): Promise<{ id: string; polls: string[] }> {
  const response = await fetch(`${hub.url}/api/lessons`, {
    method: 'POST',
    headers: { authorization: `Bearer ${hub.server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...LESSON, title }),
  });
  expect(response.status).toBe(201);
  const lesson = (await response.json()) as { id: string; questions: { pollId: string }[] };
  return { id: lesson.id, polls: lesson.questions.map((q) => q.pollId) };
}

/** The teacher's page signed in with a printed link, its clock under the test's control; the admin API requests it makes. */
async function teacherWithClock(rig: WebHub, contexts: BrowserContext[]): Promise<{ page: Page; requests: string[]; problems: string[] }> {
  const context = await rig.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  contexts.push(context);
  await context.clock.install();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  const requests: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/api/')) requests.push(path);
  });
  await page.goto(`${rig.hub.url}${rig.hub.server.signInLink().replace(/^https?:\/\/[^/]+/, '')}`);
  await page.locator('body[data-signed-in="true"]').waitFor();
  return { page, requests, problems };
}

function seconds(text: string | null): number {
  const match = /(\d+):(\d\d)/.exec(text ?? '');
  if (match === null) throw new Error(`no countdown in ${JSON.stringify(text)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

describe.skipIf(!canRun('chromium'))("the teacher's page follows the room without polling", { timeout: 90_000 }, () => {
  const rig = useWebHub({ publisher: true });
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
  });

  it('no request while nothing changes; a question opened from the admin API, a vote and a countdown arrive by themselves', async () => {
    const lesson = await createLesson(rig.hub, 'En direct');
    const [q1] = lesson.polls as [string];
    const { page, requests, problems } = await teacherWithClock(rig, contexts);
    await waitConnected(page);
    await page.getByRole('button', { name: 'Lancer', exact: true }).click();
    await page.locator('.run-lesson', { hasText: 'En direct' }).waitFor();
    // From here the page's timers run only when the test moves its clock.
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));
    await expect.poll(async () => page.evaluate(() => document.body.dataset['lessons'])).toBe('1');
    requests.length = 0;
    await page.clock.runFor(20_000);
    expect(requests, 'twenty seconds with nothing changed: no request').toEqual([]);

    // Opened from outside the page: the retained poll message brings one read.
    await bearer(rig.hub, 'POST', `/api/lessons/${lesson.id}/next`);
    await page.locator('.run-question', { hasText: 'Capitale de la France ?' }).waitFor({ timeout: 10_000 });
    await page.locator('.run-state', { hasText: 'Vote ouvert' }).waitFor();
    const reads = requests.filter((path) => path === '/api/polls').length;
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(2);

    // A vote: its tally message moves the bar, no request.
    requests.length = 0;
    const vote = { id: 'vote-live-1', option: 'A', voter: 'live-voter-1', source: 'web', ts: Date.now() };
    await rig.publisher.publishAsync(`classroom/votes/${q1}`, JSON.stringify(vote), { qos: 1 });
    await page.locator('.run-bar[data-option="A"] .run-bar-count', { hasText: '1' }).waitFor({ timeout: 10_000 });
    await page.locator('.run-total', { hasText: '1 vote' }).waitFor();
    expect(requests).toEqual([]);

    // A countdown started elsewhere: shown after the poll message, then it ticks on the page's clock alone.
    await bearer(rig.hub, 'POST', `/api/polls/${q1}/open?seconds=120`);
    const countdown = page.locator('.run-countdown', { hasText: 'Temps restant' });
    await countdown.waitFor({ timeout: 10_000 });
    const before = seconds(await countdown.textContent());
    requests.length = 0;
    await page.clock.runFor(5_000);
    expect(seconds(await countdown.textContent())).toBe(before - 5);
    expect(requests).toEqual([]);

    // Hidden from outside: the page shows how many voted, from the retained tally.
    await bearer(rig.hub, 'POST', `/api/polls/${q1}/hide`);
    await page.locator('.run-total', { hasText: 'Résultats masqués : 1 vote' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.run-bars').isHidden()).toBe(true);
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!canRun('chromium'))("the teacher's page with the broker out of reach", { timeout: 90_000 }, () => {
  // /config.json sends the browsers to a WebSocket nobody listens on.
  const rig = useWebHub({ env: { MQTT_WS_URL: 'ws://127.0.0.1:9/mqtt' } });
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
  });

  it('says it is not connected, and its own buttons still run the lesson', async () => {
    const lesson = await createLesson(rig.hub, 'Sans courtier');
    const { page, problems } = await teacherWithClock(rig, contexts);
    await page.locator('.conn[data-state="connecting"]', { hasText: 'Connexion…' }).waitFor();
    await page.getByRole('button', { name: 'Lancer', exact: true }).click();
    await page.locator('#prof-run-next').click();
    await page.locator('.run-question', { hasText: 'Capitale de la France ?' }).waitFor();
    await page.locator('.run-state', { hasText: 'Vote ouvert' }).waitFor();
    expect(rig.hub.server.polls.get(lesson.polls[0] as string).poll.state).toBe('open');
    // A countdown from the page: the hub closes the question, and the page, which cannot hear it, looks once at the end.
    await page.locator('#prof-run-seconds').fill('2');
    await page.getByRole('button', { name: 'Lancer le compte à rebours' }).click();
    await page.locator('.run-countdown', { hasText: 'Temps restant' }).waitFor();
    await page.locator('.run-state', { hasText: 'Vote fermé' }).waitFor({ timeout: 15_000 });
    expect(rig.hub.server.polls.get(lesson.polls[0] as string).poll.state).toBe('closed');
    expect(await page.locator('.conn').getAttribute('data-state')).not.toBe('connected');
    // The browser logs the refused WebSocket; nothing else may go wrong.
    expect(problems.filter((p) => !/WebSocket/i.test(p))).toEqual([]);
  });
});
