/**
 * The broker (a real Mosquitto, with persistence) restarted while the kiosk and the
 * vote page are open: both come back by themselves, a vote made during the outage
 * is sent once the connection is back, and the next vote shows on the kiosk. The
 * real server talks to the same Mosquitto (MQTT_URL) and the pages use its
 * WebSocket listener (MQTT_WS_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { canRun } from '../harness/system-deps.js';
import { createOpenPoll, openPage, useWebHub, waitConnected, waitKioskCounts } from './helpers.js';

describe.skipIf(!canRun('chromium', 'mosquitto'))('pages across a Mosquitto restart', { timeout: 90_000 }, () => {
  let mosquitto: MosquittoBroker;
  beforeAll(async () => {
    mosquitto = await startMosquitto({ persistence: true });
  });
  afterAll(async () => {
    await mosquitto?.dispose();
  });
  // After the broker's hooks, so its afterAll runs before the broker's (vitest runs
  // after-hooks in reverse): the hub stops first.
  const rig = useWebHub({ env: () => ({ MQTT_URL: mosquitto.url, MQTT_WS_URL: mosquitto.wsUrl }) });

  it('both pages reconnect by themselves, the vote made offline is counted, and the next vote shows', async () => {
    await createOpenPoll(rig.hub, { id: 'panne', question: 'Le réseau tient-il ?', options: ['oui', 'non'] });
    const kiosk = await openPage(rig.browser, `${rig.hub.url}/kiosk`, { width: 1920, height: 1080 });
    const vote = await openPage(rig.browser, `${rig.hub.url}/vote`, { width: 390, height: 844 });
    await waitConnected(kiosk.page);
    await waitConnected(vote.page);
    await vote.page.getByRole('button', { name: 'oui' }).click();
    await vote.page.locator('.feedback', { hasText: 'Vote reçu : oui' }).waitFor({ timeout: 10_000 });
    await waitKioskCounts(kiosk.page, { oui: 1, non: 0 });

    await mosquitto.stop();
    for (const page of [kiosk.page, vote.page]) {
      await page.locator('.conn[data-state="reconnecting"]', { hasText: 'Reconnexion…' }).waitFor({ timeout: 15_000 });
    }
    await vote.page.locator('.offline', { hasText: 'Connexion perdue, reconnexion en cours.' }).waitFor();
    // A vote while the broker is away waits in the page, and says so.
    await vote.page.getByRole('button', { name: 'non' }).click();
    await vote.page.locator('.feedback', { hasText: 'Pas de connexion : votre vote pour « non » partira dès son retour.' }).waitFor();

    await mosquitto.start();
    await waitConnected(kiosk.page, 30_000);
    await waitConnected(vote.page, 30_000);
    await vote.page.locator('.feedback', { hasText: 'Vote reçu : non' }).waitFor({ timeout: 30_000 });
    expect(await vote.page.locator('.offline').isHidden()).toBe(true);
    await waitKioskCounts(kiosk.page, { oui: 1, non: 1 });

    await vote.page.getByRole('button', { name: 'oui' }).click();
    await vote.page.locator('.feedback', { hasText: 'Vote reçu : oui' }).waitFor({ timeout: 15_000 });
    await waitKioskCounts(kiosk.page, { oui: 2, non: 1 });
    expect(kiosk.problems).toEqual([]);
    expect(vote.problems).toEqual([]);
  });
});
