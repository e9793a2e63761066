/**
 * Pictures of the four pages in a classroom moment (a poll with votes, a loaf in
 * the oven, a chat), taken from the real server, written to test-output/screenshots/
 * (not committed). `UPDATE_SCREENSHOTS=1` also copies them to docs/img/ for the README.
 */
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot } from '../harness/browser.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { createOpenPoll, openPage, useWebHub, waitConnected, waitKioskCounts } from './helpers.js';

const DOCS_IMG = join(process.cwd(), 'docs', 'img');

describe.skipIf(!canRun('chromium'))('screenshots of the pages', { timeout: 90_000 }, () => {
  const rig = useWebHub({ publisher: true });

  async function open(path: string, width: number, height: number, initScript?: string): Promise<Page> {
    const { page, problems } = await openPage(rig.browser, `${rig.hub.url}${path}`, { width, height, ...(initScript ? { initScript } : {}) });
    await waitConnected(page);
    expect(problems).toEqual([]);
    return page;
  }

  it('writes pictures of the kiosk, vote, bread and chat pages', async () => {
    const courses = ['IFT1215', 'MAT1400', 'IFT1065', 'MAT1600'];
    await createOpenPoll(rig.hub, { id: 'cours', question: 'Quel cours préférez-vous ?', options: courses });
    const spread: Record<string, number> = { IFT1215: 12, MAT1400: 5, IFT1065: 9, MAT1600: 3 };
    let n = 0;
    for (const [option, count] of Object.entries(spread)) {
      for (let i = 0; i < count; i += 1) {
        n += 1;
        const vote = { id: `photo-${n}`, option, voter: `eleve-${n}`, source: 'web', ts: Date.now() };
        await rig.publisher.publishAsync('classroom/votes/cours', JSON.stringify(vote), { qos: 1 });
      }
    }
    const account = rig.hub.server.addDeviceAccount('four');
    const oven = await connectClient(rig.hub.server.mqttUrl, { ...account, clientId: 'mqtt-classroom-device-four' });
    await oven.publishAsync('pain/cuisson', 'cuisson', { qos: 1, retain: true });
    await oven.publishAsync('pain/cuisson/temperature', '84', { qos: 1, retain: true });
    await closeClient(oven);

    // A classroom kiosk shows the Pi's network name in the QR code, not 127.0.0.1.
    const kiosk = await open('/kiosk?voteUrl=http://raspberrypi.local:8080/vote', 1920, 1080);
    // The bread page draws what it saw during the session: seed 40 minutes of a bake
    // as if the tab had been open since the loaf went in.
    const bread = await open('/pain', 1280, 800, bakeHistoryScript(84));
    const chat = await open('/chat', 800, 700);
    const vote = await open('/vote', 390, 844);

    await vote.getByRole('button', { name: 'IFT1065' }).click();
    await vote.locator('.feedback', { hasText: 'Vote reçu : IFT1065' }).waitFor({ timeout: 10_000 });
    await waitKioskCounts(kiosk, { ...spread, IFT1065: 10 });
    await kiosk.locator('.bread-state', { hasText: 'En cuisson' }).waitFor();
    await bread.locator('.bread-temp', { hasText: '84,0 °C' }).waitFor();

    await chat.fill('#chat-name', 'Zoé');
    await chat.getByRole('button', { name: 'Entrer' }).click();
    await rig.publisher.publishAsync('classroom/chat/Léo', 'Le pain sent déjà bon !', { qos: 1 });
    await chat.locator('.message-text', { hasText: 'Le pain sent déjà bon' }).waitFor();
    await chat.fill('#chat-message', 'Encore 10 minutes, il est à 84 °C');
    await chat.getByRole('button', { name: 'Envoyer' }).click();
    await chat.locator('.message--mine').waitFor();

    // Let the bars' width transition finish before the picture.
    await kiosk.waitForFunction(() => document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState !== 'running'));
    for (const [name, page] of Object.entries({ kiosk, vote, pain: bread, chat })) {
      const file = await screenshot(page, name);
      expect(statSync(file).size).toBeGreaterThan(10_000);
      if (process.env.UPDATE_SCREENSHOTS === '1') {
        mkdirSync(DOCS_IMG, { recursive: true });
        copyFileSync(file, join(DOCS_IMG, `${name}.png`));
      }
    }
  });
});

/** Sets the bread page's session history to a 40-minute bake ending at `lastCelsius`. */
function bakeHistoryScript(lastCelsius: number): string {
  const now = Date.now() / 1000;
  const t: number[] = [];
  const c: number[] = [];
  for (let minute = 40; minute >= 1; minute -= 1) {
    t.push(now - minute * 60);
    // A loaf warming towards the oven's heat, quickly at first.
    c.push(Math.round((21 + (lastCelsius - 21) * (1 - Math.exp(-(40 - minute) / 14)) / (1 - Math.exp(-40 / 14))) * 10) / 10);
  }
  const history = JSON.stringify({ t, c });
  return `sessionStorage.getItem('mqtt-classroom.bread-history') === null && sessionStorage.setItem('mqtt-classroom.bread-history', ${JSON.stringify(history)});`;
}
