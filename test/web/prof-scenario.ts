/**
 * A lesson run from the teacher's page, as a teacher does it, in real Chromium
 * against the real hub (on whichever broker the test file gives it): sign in with
 * the printed link, import a 3-question CSV through the page, run it with the
 * page's buttons while phones vote from their own browser contexts, a box of
 * buttons votes from its simulation input (and a kiosk follows), reveal the last
 * question's correct answer (the kiosk marks it, a phone says whether it was right),
 * and check that the CSV the page downloads matches the tallies.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { Agent } from '../../device/agent.js';
import { parseDeviceConfig } from '../../device/config.js';
import type { SimulationInput } from '../../device/inputs/simulation.js';
import { createLogger } from '../../runtime/logger.js';
import { closeClient, collect } from '../harness/mqtt.js';
import { type Hub, type OpenedPage, openPage, waitConnected } from './helpers.js';

export const LESSON_CSV = [
  'question,options,correct,policy,seconds',
  'Capitale de la France ?,A=Paris | B=Lyon,A,one-per-voter,',
  '2 + 2 ?,A=3 | B=4,B,one-per-voter,',
  'Couleur du ciel ?,A=Bleu | B=Vert,A,one-per-voter,',
].join('\r\n');

/** The countdown the teacher starts on question 2: long enough for a phone's vote to arrive before it ends. */
const COUNTDOWN_SECONDS = 8;

export async function bearer(hub: Hub, method: string, path: string): Promise<{ status: number; text: string; json: any }> {
  const response = await fetch(`${hub.url}${path}`, { method, headers: { authorization: `Bearer ${hub.server.adminToken}` } });
  const text = await response.text();
  return { status: response.status, text, json: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
}

/** The teacher's page, signed in with a fresh printed link. */
export async function signedInTeacher(browser: Browser, hub: Hub, options: { width?: number; height?: number } = {}): Promise<OpenedPage> {
  const link = hub.server.signInLink().replace(/^https?:\/\/[^/]+/, '');
  const opened = await openPage(browser, `${hub.url}${link}`, { width: options.width ?? 1280, height: options.height ?? 900 });
  await opened.page.locator('body[data-signed-in="true"]').waitFor();
  return opened;
}

async function phoneVotes(phone: Page, label: string): Promise<void> {
  const button = phone.getByRole('button', { name: label, exact: true });
  await expect.poll(() => button.isEnabled(), { timeout: 15_000 }).toBe(true);
  await button.click();
  await phone.locator('.feedback', { hasText: `Vote reçu : ${label}` }).waitFor({ timeout: 15_000 });
}

/** The counts the teacher's page shows for the running question: option id -> count. */
function shownCounts(teacher: Page): Promise<Record<string, number>> {
  return teacher.evaluate(() => {
    const counts: Record<string, number> = {};
    for (const row of document.querySelectorAll<HTMLElement>('.run-bar')) counts[row.dataset['option'] ?? ''] = Number(row.querySelector('.run-bar-count')?.textContent);
    return counts;
  });
}

/** A vote sent straight to the broker with the phones' account (what /config.json gives), and its receipt. */
async function lateVote(hub: Hub, pollId: string, option: string): Promise<{ status: string; reason?: string }> {
  const config = (await (await fetch(`${hub.url}/config.json`)).json()) as { wsUrl: string | null; username?: string; password?: string };
  const clientId = 'web-vote-late-phone';
  const url = config.wsUrl ?? `${hub.url.replace(/^http/, 'ws')}/mqtt`;
  const client: MqttClient = await mqtt.connectAsync(url.split(',')[0] as string, {
    clientId,
    reconnectPeriod: 0,
    ...(config.username === undefined ? {} : { username: config.username, password: config.password }),
  });
  try {
    const receipt = collect(client, `classroom/receipts/${clientId}`, 1);
    await receipt.subscribed;
    const vote = { id: 'vote-late-1', option, voter: 'late-phone-voter', source: 'web', ts: Date.now(), reply: clientId };
    await client.publishAsync(`classroom/votes/${pollId}`, JSON.stringify(vote), { qos: 1 });
    return JSON.parse((await receipt)[0]?.payload ?? '{}');
  } finally {
    await closeClient(client);
  }
}

/** Option id -> votes for each poll of a results CSV (`poll,question,round,started_at,archived_at,option,label,votes`). */
function countsFromCsv(csv: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const line of csv.trim().split('\r\n').slice(1)) {
    const cells = line.split(',');
    const [poll, option, votes] = [cells[0] as string, cells.at(-3) as string, Number(cells.at(-1))];
    (out[poll] ??= {})[option] = votes;
  }
  return out;
}

async function download(page: Page, name: RegExp): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).first().click()]);
  return readFileSync((await file.path()) as string, 'utf8');
}

/** How a box of buttons reaches the broker (its account on the profile, or one added to the embedded broker). */
export interface DeviceAccount {
  readonly deviceId: string;
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
}

/** A box of two buttons (the agent's simulation input, in this process) voting by position. */
async function startBox(device: DeviceAccount): Promise<{ press(button: number): void; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-prof-box-'));
  const agent = new Agent({
    env: { mqtt: { urls: [device.url], username: device.username ?? null, password: device.password ?? null, clientId: null }, topicPrefix: 'classroom', dataDir, logLevel: 'warn' },
    config: parseDeviceConfig({ deviceId: device.deviceId, inputs: [{ type: 'simulation', buttons: 2, count: 0 }] }),
    logger: createLogger({ level: 'warn' }),
  });
  await agent.start();
  const sim = agent.inputList[0] as SimulationInput;
  return {
    press: (button) => {
      sim.inject(String(button), true);
      sim.inject(String(button), false);
    },
    stop: async () => {
      await agent.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function runLessonFromThePage(browser: Browser, hub: Hub, opened: OpenedPage[], device: DeviceAccount): Promise<void> {
  const box = await startBox(device);
  try {
    await runLesson(browser, hub, opened, box);
  } finally {
    await box.stop();
  }
}

async function runLesson(browser: Browser, hub: Hub, opened: OpenedPage[], box: { press(button: number): void }): Promise<void> {
  const teacherPage = await signedInTeacher(browser, hub);
  const phones = [await openPage(browser, `${hub.url}/vote`, { width: 390, height: 844 }), await openPage(browser, `${hub.url}/vote`, { width: 390, height: 844 })];
  const kioskPage = await openPage(browser, `${hub.url}/kiosk`, { width: 1280, height: 720 });
  opened.push(teacherPage, kioskPage, ...phones);
  const kiosk = kioskPage.page;
  const teacher = teacherPage.page;
  const [phoneA, phoneB] = phones.map((p) => p.page) as [Page, Page];
  await waitConnected(phoneA);
  await waitConnected(phoneB);

  // Import the lesson file through the page.
  await teacher.locator('#prof-lesson-file').setInputFiles({ name: 'Géographie.csv', mimeType: 'text/csv', buffer: Buffer.from(LESSON_CSV) });
  await teacher.locator('#prof-message', { hasText: 'Leçon « Géographie » importée (3 questions)' }).waitFor();
  const lesson = (await bearer(hub, 'GET', '/api/lessons')).json.lessons.find((l: { title: string }) => l.title === 'Géographie');
  const [q1, q2, q3] = lesson.questions.map((q: { pollId: string }) => q.pollId) as [string, string, string];
  const state = (pollId: string) => hub.server.polls.get(pollId).poll;

  // Run it: "Lancer", then "Suivante" opens question 1.
  await teacher.getByRole('button', { name: 'Lancer', exact: true }).click();
  await teacher.locator('#prof-run-next').click();
  await teacher.locator('.run-question', { hasText: 'Capitale de la France ?' }).waitFor();
  await expect.poll(() => state(q1).state).toBe('open');
  await phoneVotes(phoneA, 'Paris');
  await phoneVotes(phoneB, 'Lyon');
  // The box's first button votes for the first option (by position): Paris.
  box.press(1);
  await expect.poll(() => shownCounts(teacher), { timeout: 10_000 }).toEqual({ A: 2, B: 1 });
  await kiosk.locator('.question', { hasText: 'Capitale de la France ?' }).waitFor();

  // Hide: the page (maybe on the projector) shows how many voted only; then show again.
  await teacher.getByRole('button', { name: 'Masquer les résultats' }).click();
  await teacher.locator('.run-total', { hasText: 'Résultats masqués : 3 votes' }).waitFor();
  expect(await teacher.locator('.run-bars').isHidden()).toBe(true);
  expect(state(q1).hidden).toBe(true);
  // The kiosk follows: the number of votes, no bars.
  await kiosk.locator('.hidden-note', { hasText: 'Résultats masqués' }).waitFor();
  await kiosk.locator('.total', { hasText: '3 votes' }).waitFor();
  expect(await kiosk.locator('.bars').isHidden()).toBe(true);
  await teacher.getByRole('button', { name: 'Afficher les résultats' }).click();
  await teacher.locator('.run-bars').waitFor();
  expect(state(q1).hidden).toBeUndefined();
  await kiosk.locator('.bars').waitFor();

  // Next closes question 1 and opens question 2; a countdown closes it by itself.
  await teacher.locator('#prof-run-next').click();
  await teacher.locator('.run-question', { hasText: '2 + 2 ?' }).waitFor();
  expect(state(q1).state).toBe('closed');
  await teacher.locator('#prof-run-seconds').fill(String(COUNTDOWN_SECONDS));
  await teacher.getByRole('button', { name: 'Lancer le compte à rebours' }).click();
  await teacher.locator('.run-countdown', { hasText: 'Temps restant' }).waitFor();
  await kiosk.locator('.countdown', { hasText: ':' }).waitFor();
  expect(state(q2).deadline).toBeGreaterThan(Date.now());
  await phoneVotes(phoneA, '4');
  await expect.poll(() => state(q2).state, { timeout: (COUNTDOWN_SECONDS + 10) * 1000 }).toBe('closed');
  await teacher.locator('.run-state', { hasText: 'Vote fermé' }).waitFor();
  await phoneB.locator('.notice', { hasText: 'fermé' }).waitFor();
  expect(await lateVote(hub, q2, 'A')).toMatchObject({ status: 'rejected', reason: 'poll-closed' });
  await expect.poll(() => hub.server.polls.get(q2).tally.counts).toEqual({ A: 0, B: 1 });

  // Question 3, then close it from the page.
  await teacher.locator('#prof-run-next').click();
  await teacher.locator('.run-question', { hasText: 'Couleur du ciel ?' }).waitFor();
  await phoneVotes(phoneA, 'Bleu');
  await phoneVotes(phoneB, 'Vert');
  await expect.poll(() => shownCounts(teacher), { timeout: 10_000 }).toEqual({ A: 1, B: 1 });
  // Nothing students can read says which is right before the reveal.
  expect(state(q3).correct).toBeUndefined();
  await teacher.locator('#prof-run-toggle', { hasText: 'Fermer' }).click();
  await expect.poll(() => state(q3).state).toBe('closed');
  // Reveal the answer from the page: the kiosk marks it, each phone says whether it was right.
  await teacher.locator('#prof-question-actions').getByRole('button', { name: 'Révéler la réponse' }).click();
  await teacher.locator('#prof-question-actions', { hasText: 'Réponse révélée : Bleu' }).waitFor();
  expect(state(q3).correct).toBe('A');
  await kiosk.locator('.bar-row--correct[data-option="A"]').waitFor();
  await phoneA.locator('.verdict', { hasText: 'Bonne réponse' }).waitFor();
  await phoneB.locator('.verdict', { hasText: 'Mauvaise réponse' }).waitFor();

  // The history shows every question; the CSV the page downloads matches the tallies.
  const tallies = Object.fromEntries([q1, q2, q3].map((id) => [id, hub.server.polls.get(id).tally.counts]));
  expect(tallies).toEqual({ [q1]: { A: 2, B: 1 }, [q2]: { A: 0, B: 1 }, [q3]: { A: 1, B: 1 } });
  await teacher.locator(`#prof-history tr[data-poll="${q3}"]`, { hasText: 'Bleu 1' }).waitFor();
  const lessonCsv = await download(teacher, /^Résultats \(CSV\)/);
  expect(countsFromCsv(lessonCsv)).toEqual(tallies);
  // One question's CSV is `poll export`'s, byte for byte.
  const questionCsv = await download(teacher, new RegExp(`^CSV — 2 \\+ 2 \\?`));
  expect(questionCsv).toBe((await bearer(hub, 'GET', `/api/polls/${q2}/export?format=csv`)).text);
  // The lesson file exported from the page imports again as the same lesson.
  expect(await download(teacher, /^Exporter \(CSV\)/)).toBe(`${LESSON_CSV}\r\n`);
  for (const { problems } of [teacherPage, kioskPage, ...phones]) expect(problems).toEqual([]);
}
