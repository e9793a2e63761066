/**
 * SPEC §7 in a real Chromium against the real server (embedded broker, votes
 * counted by the server, receipts from it): what a person sees on the kiosk, the
 * vote page, the bread page and the chat page.
 */
import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent } from '../../device/agent.js';
import { parseDeviceConfig } from '../../device/config.js';
import { loadDeviceEnv } from '../../runtime/env.js';
import { createLogger } from '../../runtime/logger.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun, findBinary } from '../harness/system-deps.js';
import {
  adminPost,
  createOpenPoll,
  installFrameProbe,
  openPage,
  readFrameProbe,
  useWebHub,
  waitConnected,
  waitKioskCounts,
} from './helpers.js';

const COURSES = ['IFT1215', 'MAT1400', 'IFT1065', 'MAT1600'];
const zeros = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, 0]));

describe.skipIf(!canRun('chromium'))('web pages against the real server', { timeout: 90_000 }, () => {
  const rig = useWebHub({ publisher: true });
  const opened: Page[] = [];

  async function open(path: string, options: { width?: number; height?: number; locale?: string } = {}) {
    const result = await openPage(rig.browser, `${rig.hub.url}${path}`, options);
    opened.push(result.page);
    await waitConnected(result.page);
    return result;
  }

  /** A device's MQTT session (a device account of the embedded broker). */
  async function device(id: string): Promise<MqttClient> {
    const account = rig.hub.server.addDeviceAccount(id);
    return connectClient(rig.hub.server.mqttUrl, { username: account.username, password: account.password, clientId: `mqtt-classroom-device-${id}` });
  }

  afterAll(async () => {
    for (const page of opened) await page.context().close().catch(() => undefined);
  });

  it('a vote clicked on the vote page is confirmed, shows on the kiosk, and a reloaded kiosk shows the same counts', async () => {
    await createOpenPoll(rig.hub, { id: 'cours', question: 'Quel cours préférez-vous ?', options: COURSES });
    const kiosk = await open('/kiosk', { width: 1920, height: 1080 });
    const vote = await open('/vote', { width: 390, height: 844 });
    await kiosk.page.locator('.question', { hasText: 'Quel cours préférez-vous ?' }).waitFor();
    await waitKioskCounts(kiosk.page, zeros(COURSES));

    await vote.page.getByRole('button', { name: 'MAT1400' }).click();
    await vote.page.locator('.feedback', { hasText: 'Vote reçu : MAT1400' }).waitFor({ timeout: 10_000 });
    await waitKioskCounts(kiosk.page, { ...zeros(COURSES), MAT1400: 1 });
    await vote.page.getByRole('button', { name: 'IFT1065' }).click();
    await vote.page.locator('.feedback', { hasText: 'Vote reçu : IFT1065' }).waitFor({ timeout: 10_000 });
    const expected = { ...zeros(COURSES), MAT1400: 1, IFT1065: 1 };
    await waitKioskCounts(kiosk.page, expected);
    expect(await text(kiosk.page, '.total')).toContain('2 votes');

    // Reloaded, the kiosk has only the retained snapshot to go on: same counts at once.
    await kiosk.page.reload();
    await waitKioskCounts(kiosk.page, expected, 5_000);
    expect(kiosk.problems).toEqual([]);
    expect(vote.problems).toEqual([]);
  });

  it('a button press on the device agent appears on the kiosk', async () => {
    await createOpenPoll(rig.hub, { id: 'boutons', question: 'Appuyez sur un bouton', options: ['A', 'B', 'C'] });
    const kiosk = await open('/kiosk?poll=boutons', { width: 1920, height: 1080 });
    await waitKioskCounts(kiosk.page, { A: 0, B: 0, C: 0 });
    // The real agent with its keyboard input (the demo's buttons: keys 1..N), fed
    // from a stand-in for stdin; its votes go through its outbox to the server.
    const keys = Object.assign(new EventEmitter(), { resume: () => undefined, pause: () => undefined });
    const account = rig.hub.server.addDeviceAccount('box-1');
    const agentDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-web-agent-'));
    const log: string[] = [];
    const agent = new Agent({
      env: loadDeviceEnv({
        env: { MQTT_URL: rig.hub.server.mqttUrl, MQTT_USERNAME: account.username, MQTT_PASSWORD: account.password, DATA_DIR: agentDir, LOG_LEVEL: 'silent' },
        dotenvPath: null,
      }),
      config: parseDeviceConfig({ deviceId: 'box-1', inputs: [{ type: 'keyboard', buttons: 3 }] }),
      logger: createLogger({ level: 'info', write: (line) => log.push(line) }),
      stdin: keys,
      onInterrupt: () => undefined,
    });
    try {
      await agent.start();
      // As a person at the terminal would, press once the agent says which poll the keys vote on.
      await expect.poll(() => log.some((line) => line.includes('buttons now vote on poll boutons')), { timeout: 10_000 }).toBe(true);
      keys.emit('data', '2');
      await waitKioskCounts(kiosk.page, { A: 0, B: 1, C: 0 });
      keys.emit('data', '3');
      await waitKioskCounts(kiosk.page, { A: 0, B: 1, C: 1 });
      expect(kiosk.problems).toEqual([]);
    } finally {
      await agent.stop();
      rmSync(agentDir, { recursive: true, force: true });
    }
  });

  it('says in words why a vote was refused, and shows a closed poll as closed', async () => {
    await createOpenPoll(rig.hub, { id: 'unique', question: 'Un seul vote ?', options: ['oui', 'non'], policy: 'one-per-voter' });
    const vote = await open('/vote?poll=unique', { width: 390, height: 844 });
    await vote.page.locator('.policy', { hasText: 'Un seul vote par personne' }).waitFor();
    await vote.page.getByRole('button', { name: 'oui' }).click();
    await vote.page.locator('.feedback', { hasText: 'Vote reçu : oui' }).waitFor({ timeout: 10_000 });
    await vote.page.getByRole('button', { name: 'non' }).click();
    await vote.page.locator('.feedback', { hasText: 'Vote refusé (non) : vous avez déjà voté' }).waitFor({ timeout: 10_000 });

    const kiosk = await open('/kiosk?poll=unique', { width: 1920, height: 1080 });
    await kiosk.page.locator('.poll-state', { hasText: 'Vote ouvert' }).waitFor();
    await adminPost(rig.hub, '/api/polls/unique/close');
    await vote.page.locator('.notice', { hasText: 'Le vote est fermé.' }).waitFor();
    expect(await vote.page.getByRole('button', { name: 'oui' }).isDisabled()).toBe(true);
    await kiosk.page.locator('.poll-state', { hasText: 'Vote fermé' }).waitFor();
    await waitKioskCounts(kiosk.page, { oui: 1, non: 0 });
    expect(await text(kiosk.page, '.total')).toContain('1 refusé');
  });

  it('shows a poll label and a chat name made of HTML as text, and runs none of it', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    await createOpenPoll(rig.hub, {
      id: 'xss',
      question: '<script>window.__pwned=2</script> Question ?',
      options: [
        { id: 'evil', label: evil },
        { id: 'ok', label: 'OK' },
      ],
    });
    const kiosk = await open('/kiosk?poll=xss', { width: 1920, height: 1080 });
    const vote = await open('/vote?poll=xss', { width: 390, height: 844 });
    const chat = await open('/chat');
    await kiosk.page.locator('.bar-label', { hasText: evil }).waitFor();
    await vote.page.getByRole('button', { name: evil }).waitFor();
    expect(await kiosk.page.locator('.question').textContent()).toBe('<script>window.__pwned=2</script> Question ?');

    // Anyone may publish on classroom/chat/+: the name is whatever the topic level says.
    const name = '<img src=x onerror=window.__pwned=3>';
    await rig.publisher.publishAsync(`classroom/chat/${name}`, '<b>hi</b><img src=x onerror=window.__pwned=4>', { qos: 1 });
    await chat.page.locator('.message-name', { hasText: name }).waitFor();
    await chat.page.locator('.message-text', { hasText: '<b>hi</b><img src=x onerror=window.__pwned=4>' }).waitFor();

    for (const page of [kiosk.page, vote.page, chat.page]) {
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('#app img, #app script, #app b').count()).toBe(0);
    }
    expect([...kiosk.problems, ...vote.problems, ...chat.problems]).toEqual([]);
  });

  it('ends on the exact counts after 5,000 votes in a burst, drawing at most once per frame', async () => {
    const options = ['rouge', 'vert', 'bleu', 'jaune'];
    await createOpenPoll(rig.hub, { id: 'rafale', question: 'Rafale de votes', options });
    const kiosk = await open('/kiosk?poll=rafale', { width: 1920, height: 1080 });
    await waitKioskCounts(kiosk.page, zeros(options));
    await installFrameProbe(kiosk.page);

    const expected = zeros(options);
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < 5_000; i += 1) {
      // A fixed but uneven spread, so a swapped or dropped count shows.
      const option = options[(i * i + 3 * i) % 7 % 4] as string;
      expected[option] = (expected[option] ?? 0) + 1;
      const vote = { id: `rafale-${i}`, option, voter: `phone-${i % 300}`, source: 'simulation', ts: Date.now() };
      sent.push(rig.publisher.publishAsync('classroom/votes/rafale', JSON.stringify(vote), { qos: 1 }));
    }
    await Promise.all(sent);
    await waitKioskCounts(kiosk.page, expected, 60_000);
    expect(await text(kiosk.page, '.total')).toContain('5 000 votes');

    const probe = await readFrameProbe(kiosk.page);
    expect(probe.batches).toBeGreaterThan(0); // the probe saw the kiosk draw
    expect(probe.maxBatchesInOneFrame).toBeLessThanOrEqual(1);
    // Responsive: no single task kept the page busy long enough for a person to notice.
    expect(probe.longestTaskMs).toBeLessThan(500);
    expect(kiosk.problems).toEqual([]);
  });

  it('shows the bread state and temperature on the kiosk and the bread page, with the curve', async () => {
    const oven = await device('four');
    try {
      const kiosk = await open('/kiosk', { width: 1920, height: 1080 });
      const bread = await open('/pain', { width: 1280, height: 800 });
      await oven.publishAsync('pain/cuisson', 'cuisson', { qos: 1, retain: true });
      const readings = [24, 38.5, 52, 63.5, 71, 78.5, 84, 88.5, 91];
      for (const celsius of readings) {
        await oven.publishAsync('pain/cuisson/temperature', String(celsius), { qos: 1, retain: true });
        await bread.page.locator('.bread-temp', { hasText: `${String(celsius.toFixed(1)).replace('.', ',')} °C` }).waitFor();
      }
      await bread.page.locator('.bread-state', { hasText: 'En cuisson' }).waitFor();
      await kiosk.page.locator('.bread-state', { hasText: 'En cuisson' }).waitFor();
      await kiosk.page.locator('.bread-temp', { hasText: '91,0 °C' }).waitFor();
      await oven.publishAsync('pain/cuisson', 'prêt', { qos: 1, retain: true });
      await bread.page.locator('.bread-state', { hasText: 'Prêt !' }).waitFor();
      await kiosk.page.locator('.bread-state', { hasText: 'Prêt !' }).waitFor();

      // The chart holds every reading of the session, and keeps them over a reload.
      const points = () => bread.page.evaluate(() => JSON.parse(sessionStorage.getItem('mqtt-classroom.bread-history') ?? '{"c":[]}').c as number[]);
      expect(await points()).toEqual(readings);
      expect(await bread.page.locator('.chart canvas').count()).toBe(1);
      await bread.page.reload();
      await waitConnected(bread.page);
      await bread.page.locator('.bread-temp', { hasText: '91,0 °C' }).waitFor();
      expect(await points()).toEqual(readings);
      expect(bread.problems).toEqual([]);
    } finally {
      await closeClient(oven);
    }
  });

  it('chats: a name is picked, messages go out and come in, mosquitto_pub included', async () => {
    const chat = await open('/chat', { width: 800, height: 700 });
    await chat.page.fill('#chat-name', 'a b');
    await chat.page.getByRole('button', { name: 'Entrer' }).click();
    await chat.page.locator('.error', { hasText: 'Nom invalide' }).waitFor();
    await chat.page.fill('#chat-name', 'Zoé');
    await chat.page.getByRole('button', { name: 'Entrer' }).click();
    await chat.page.locator('.who', { hasText: 'Vous êtes Zoé' }).waitFor();

    await chat.page.fill('#chat-message', 'Bonjour la classe !');
    await chat.page.getByRole('button', { name: 'Envoyer' }).click();
    await chat.page.locator('.message--mine .message-text', { hasText: 'Bonjour la classe !' }).waitFor();

    const port = String(rig.hub.server.mqttPort);
    const mosquittoPub = findBinary('mosquitto_pub');
    if (mosquittoPub !== null) {
      // Not spawnSync: the broker runs in this process and must keep answering.
      await promisify(execFile)(mosquittoPub, ['-h', '127.0.0.1', '-p', port, '-t', 'classroom/chat/Léo', '-m', 'Salut Zoé, depuis mosquitto_pub'], { timeout: 10_000 });
    } else {
      expect(canRun('mosquitto-clients')).toBe(false); // skipped loudly; CI requires it
      await rig.publisher.publishAsync('classroom/chat/Léo', 'Salut Zoé, depuis mosquitto_pub', { qos: 1 });
    }
    await chat.page.locator('.message', { hasText: 'Salut Zoé, depuis mosquitto_pub' }).locator('.message-name', { hasText: 'Léo' }).waitFor();
    expect(chat.problems).toEqual([]);
  });

  it('speaks English with ?lang=en', async () => {
    await createOpenPoll(rig.hub, { id: 'english', question: 'Which course?', options: COURSES });
    const kiosk = await open('/kiosk?poll=english&lang=en', { width: 1920, height: 1080 });
    await kiosk.page.locator('.poll-state', { hasText: 'Poll open' }).waitFor();
    expect(await kiosk.page.locator('.conn').textContent()).toBe('Connected');
    expect(await kiosk.page.locator('html').getAttribute('lang')).toBe('en');
    // And the browser's language decides when the URL does not.
    const vote = await open('/vote?poll=english', { width: 390, height: 844, locale: 'en-GB' });
    await vote.page.getByRole('button', { name: 'IFT1215' }).click();
    await vote.page.locator('.feedback', { hasText: 'Vote received: IFT1215' }).waitFor({ timeout: 10_000 });
  });
});

/** An element's text with any kind of space (French uses narrow no-break ones) as a plain space. */
async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ');
}
