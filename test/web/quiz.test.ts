/**
 * Issue 16's scenario in real Chromium: a quiz of 3 questions answered by 5 phones
 * (one reloads in the middle, one loses its connection and comes back) and a box
 * of buttons (the agent's simulation input, team "Rouges"). The scores and ranks
 * each phone shows, the kiosk's leaderboard and the teacher's export are exactly
 * what the answers imply; a second phone cannot take a nickname in use nor vote
 * in its name; no MQTT topic carries a voter secret.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent } from '../../device/agent.js';
import { parseDeviceConfig } from '../../device/config.js';
import type { SimulationInput } from '../../device/inputs/simulation.js';
import { createLogger } from '../../runtime/logger.js';
import { canRun } from '../harness/system-deps.js';
import { until } from '../harness/wait.js';
import { useWebHub, waitConnected } from './helpers.js';

const QUIZ = {
  id: 'quiz',
  title: 'Quiz du lundi',
  quiz: true,
  questions: [
    { question: 'Combien font 2 + 2 ?', options: ['A=4', 'B=5', 'C=22'], correct: 'A' },
    { question: 'Le protocole des objets ?', options: ['A=HTTP', 'B=MQTT', 'C=FTP'], correct: 'B', policy: 'last-wins' },
    { question: 'Le port de MQTT ?', options: ['A=80', 'B=443', 'C=1883'], correct: 'C' },
  ],
};

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
    return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, where: (v.nodes as { target: string[] }[]).map((n) => n.target.join(" ")).join(", ") }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes}: ${v.where})`);
}

interface Phone {
  name: string;
  context: BrowserContext;
  page: Page;
  problems: string[];
  /** Cuts this phone's network (HTTP and its open WebSocket) or brings it back. */
  setOffline(offline: boolean): Promise<void>;
}

describe.skipIf(!canRun('chromium'))('quiz mode: 5 phones and a box of buttons', { timeout: 180_000 }, () => {
  const rig = useWebHub({ publisher: true });
  const contexts: BrowserContext[] = [];
  let agent: Agent | null = null;
  const dirs: string[] = [];
  afterAll(async () => {
    await agent?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    for (const context of contexts) await context.close().catch(() => undefined);
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${rig.hub.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${rig.hub.server.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text;
  };
  const total = async (poll: string) => (JSON.parse(await call('GET', `/api/polls/${poll}`)) as { tally: { total: number } }).tally.total;

  async function openPhone(name: string): Promise<Phone> {
    const context = await rig.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
    contexts.push(context);
    // Playwright's offline mode leaves WebSockets open (microsoft/playwright#4910):
    // route the page's broker socket so a lost network closes it too.
    let offline = false;
    const live = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
    await context.routeWebSocket(/\/mqtt$/, (ws) => {
      if (offline) {
        void ws.close();
        return;
      }
      const pair = { page: ws, server: ws.connectToServer() };
      live.add(pair);
      ws.onClose(() => live.delete(pair));
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${rig.hub.url}/vote`);
    await waitConnected(page);
    return {
      name,
      context,
      page,
      problems,
      async setOffline(value) {
        offline = value;
        await context.setOffline(value);
        if (value) {
          for (const pair of [...live]) {
            await pair.server.close().catch(() => undefined);
            await pair.page.close().catch(() => undefined);
          }
        }
      },
    };
  }

  async function choose(phone: Phone, nickname: string): Promise<void> {
    await phone.page.locator('#quiz-nickname').fill(nickname);
    await phone.page.locator('.quiz-submit').click();
  }
  const LABELS: Record<string, Record<string, string>> = { '2 + 2': { A: '4', B: '5', C: '22' }, protocole: { A: 'HTTP', B: 'MQTT', C: 'FTP' }, port: { A: '80', B: '443', C: '1883' } };
  async function answered(phone: Phone, option: string, question: string): Promise<void> {
    await answer(phone, option, question);
    await received(phone, LABELS[question]?.[option] as string);
  }
  async function answer(phone: Phone, option: string, question: string): Promise<void> {
    await phone.page.locator('.question', { hasText: question }).waitFor();
    await phone.page.locator(`button[data-option="${option}"]:not([disabled])`).click();
  }
  const received = (phone: Phone, label: string) => phone.page.locator('.feedback--received', { hasText: new RegExp(`^Vote reçu : ${label}$`) }).waitFor({ timeout: 20_000 });
  const scoreOf = (phone: Phone) => phone.page.locator('.quiz-score').evaluate((e) => [Number((e as HTMLElement).dataset['score']), (e as HTMLElement).dataset['rank'] ?? '']);
  async function press(button: number): Promise<void> {
    const sim = agent?.inputList[0] as SimulationInput;
    sim.inject(String(button), true);
    sim.inject(String(button), false);
  }

  it('scores, ranks, kiosk leaderboard and export are what the answers imply', async () => {
    // Everything said on the broker, to check that no voter secret is ever on a topic.
    const wire: string[] = [];
    rig.publisher.on('message', (topic, payload) => wire.push(`${topic} ${payload.toString()}`));
    await rig.publisher.subscribeAsync('#', { qos: 0 });

    await call('POST', '/api/lessons', QUIZ);
    await call('POST', '/api/lessons/quiz/next');

    const account = rig.hub.server.addDeviceAccount('boitier-rouge');
    const agentDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-quiz-box-'));
    dirs.push(agentDir);
    agent = new Agent({
      env: { mqtt: { urls: [rig.hub.server.mqttUrl], username: account.username, password: account.password, clientId: null }, topicPrefix: 'classroom', dataDir: agentDir, logLevel: 'warn' },
      config: parseDeviceConfig({ deviceId: 'boitier-rouge', team: 'Rouges', inputs: [{ type: 'simulation', buttons: 3, count: 0 }] }),
      logger: createLogger({ level: 'warn' }),
    });
    await agent.start();

    const kiosk = await rig.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
    await kiosk.goto(`${rig.hub.url}/kiosk`);
    await waitConnected(kiosk);

    const names = ['Ali', 'Béa', 'Cid', 'Dan', 'Eve'];
    const phones: Phone[] = [];
    for (const name of names) phones.push(await openPhone(name));
    const [ali, bea, cid, dan, eve] = phones as [Phone, Phone, Phone, Phone, Phone];
    for (const phone of phones) await phone.page.locator('.quiz:not([hidden])').waitFor();
    await choose(ali, 'Ali');
    await ali.page.locator('.quiz-as', { hasText: 'Ali' }).waitFor();
    // A second phone cannot take a nickname in use, in any case.
    await choose(bea, 'ali');
    await bea.page.locator('.quiz-error', { hasText: 'déjà pris' }).waitFor();
    expect(await seriousViolations(bea.page)).toEqual([]);
    for (const phone of [bea, cid, dan, eve]) {
      await choose(phone, phone.name);
      await phone.page.locator('.quiz-as', { hasText: phone.name }).waitFor();
    }

    // Question 1 (A): Ali, Béa, Dan and the box right; Cid and Eve wrong.
    for (const [phone, option] of [[ali, 'A'], [bea, 'A'], [cid, 'B'], [dan, 'A'], [eve, 'B']] as const) {
      await answered(phone, option, '2 + 2');
    }
    await press(1);
    // Someone publishes a vote with Ali's nickname as its voter: it is not Ali's secret.
    await rig.publisher.publishAsync('classroom/votes/quiz-1', JSON.stringify({ id: 'intrus-1', option: 'B', voter: 'Ali', source: 'web', ts: 0 }), { qos: 1 });
    await until(async () => (await total('quiz-1')) === 7, 'the 7 votes of question 1', { timeout: 20_000 });

    await call('POST', '/api/lessons/quiz/next');
    await until(async () => (await scoreOf(ali))[0] === 1, "Ali's score after question 1", { timeout: 20_000 });
    // Cid reloads: same nickname, same score.
    await cid.page.reload();
    await waitConnected(cid.page);
    await cid.page.locator('.quiz-as', { hasText: 'Cid' }).waitFor();
    expect(await scoreOf(cid)).toEqual([0, '5']);

    // Question 2 (B, last-wins): Béa changes from A to B; Dan answers while offline.
    await dan.setOffline(true);
    await dan.page.locator('.offline:not([hidden])').waitFor({ timeout: 20_000 });
    for (const [phone, option] of [[ali, 'B'], [bea, 'A'], [cid, 'B'], [eve, 'A']] as const) {
      await answered(phone, option, 'protocole');
    }
    await answered(bea, 'B', 'protocole');
    await answer(dan, 'B', 'protocole');
    await dan.page.locator('.feedback--queued').waitFor();
    await dan.setOffline(false);
    await received(dan, 'MQTT');
    await press(1);
    await until(async () => (await total('quiz-2')) === 6, 'the 6 ballots of question 2', { timeout: 20_000 });
    await call('POST', '/api/lessons/quiz/next');

    // The teacher shows the leaderboard from /prof.
    const prof = await rig.browser.newPage({ viewport: { width: 1024, height: 800 }, locale: 'fr-FR' });
    await prof.goto(`${rig.hub.url}${rig.hub.server.signInLink().replace(/^https?:\/\/[^/]+/, '')}`);
    await prof.locator('body[data-signed-in="true"]').waitFor();
    await prof.locator('.quiz-card[data-lesson="quiz"]').waitFor();
    await prof.getByRole('button', { name: 'Afficher le classement' }).click();
    await kiosk.locator('.leaderboard:not([hidden])', { hasText: 'Classement — Quiz du lundi' }).waitFor();
    expect(await kiosk.locator('.leaderboard li').allTextContents()).toEqual(['1.Ali2 pt', '1.Béa2 pt', '1.Dan2 pt', '4.Cid1 pt', '4.Rougeséquipe1 pt', '6.Eve0 pt']);

    // Question 3 (C): Ali, Cid, Eve and the box right.
    for (const [phone, option] of [[ali, 'C'], [bea, 'A'], [cid, 'C'], [dan, 'B'], [eve, 'C']] as const) {
      await answered(phone, option, 'port');
    }
    await press(3);
    await until(async () => (await total('quiz-3')) === 6, 'the 6 votes of question 3', { timeout: 20_000 });
    // Closing the last question puts the final leaderboard on the kiosk by itself.
    await call('POST', '/api/polls/quiz-3/close');
    await kiosk.locator('.leaderboard:not([hidden])', { hasText: 'Classement final' }).waitFor();
    expect(await seriousViolations(kiosk)).toEqual([]);
    expect(await seriousViolations(prof)).toEqual([]);
    expect(await kiosk.locator('.leaderboard li').allTextContents()).toEqual(['1.Ali3 pt', '2.Béa2 pt', '2.Cid2 pt', '2.Dan2 pt', '2.Rougeséquipe2 pt', '6.Eve1 pt']);

    // Each phone shows its own score and rank.
    const expected: Record<string, [number, string]> = { Ali: [3, '1'], Béa: [2, '2'], Cid: [2, '2'], Dan: [2, '2'], Eve: [1, '6'] };
    for (const phone of phones) await until(async () => JSON.stringify(await scoreOf(phone)) === JSON.stringify(expected[phone.name]), `${phone.name}'s final score`, { timeout: 20_000 });

    // The export, from the teacher's page (its CSV link) and the API.
    await prof.getByRole('button', { name: 'Actualiser' }).click();
    await prof.locator('.quiz-table tbody tr').nth(6).waitFor();
    const href = await prof.getByRole('link', { name: 'Exporter les scores (CSV)' }).getAttribute('href');
    const csv = await prof.evaluate(async (url) => (await fetch(url as string)).text(), href);
    expect(csv.split('\r\n')).toEqual([
      'name,kind,rank,score,Q1 Combien font 2 + 2 ?,Q2 Le protocole des objets ?,Q3 Le port de MQTT ?',
      'Ali,player,1,3,A (right),B (right),C (right)',
      'Béa,player,2,2,A (right),B (right),A (wrong)',
      'Cid,player,2,2,B (wrong),B (right),C (right)',
      'Dan,player,2,2,A (right),B (right),B (wrong)',
      'Rouges,team,2,2,A (right),A (wrong),C (right)',
      'Eve,player,6,1,B (wrong),A (wrong),C (right)',
      'anonymous-1,anonymous,,0,B (wrong),,',
      '',
    ]);

    // No topic ever carried a phone's secret, and no phone could learn another's answers.
    for (const phone of phones) {
      const secret = await phone.page.evaluate(() => localStorage.getItem('mqtt-classroom.voter-secret'));
      expect(secret).toMatch(/^[A-Za-z0-9]{24}$/);
      expect(wire.filter((line) => !line.startsWith('classroom/votes/')).join('\n')).not.toContain(secret as string);
      expect(phone.problems).toEqual([]);
    }
  });
});
