/**
 * The pages' own failover (web/lib/connection.ts): /config.json names two broker
 * WebSockets, the first of which nothing listens on (a dead cluster node). The
 * vote page and the kiosk move on to the second by themselves, and a vote gets its
 * receipt there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { freePort } from '../harness/ports.js';
import { canRun } from '../harness/system-deps.js';
import { createOpenPoll, openPage, useWebHub, waitConnected, waitKioskCounts } from './helpers.js';

describe.skipIf(!canRun('chromium', 'mosquitto'))('pages with several broker URLs', { timeout: 90_000 }, () => {
  let mosquitto: MosquittoBroker;
  let dead = 0;
  beforeAll(async () => {
    mosquitto = await startMosquitto();
    dead = await freePort();
  });
  afterAll(async () => {
    await mosquitto?.dispose();
  });
  const rig = useWebHub({ env: () => ({ MQTT_URL: mosquitto.url, MQTT_WS_URL: `ws://127.0.0.1:${dead}/mqtt,${mosquitto.wsUrl}` }) });

  it('skip the dead node and vote through the next one', async () => {
    const config = (await (await fetch(`${rig.hub.url}/config.json`)).json()) as { wsUrl: unknown };
    expect(config.wsUrl).toEqual([`ws://127.0.0.1:${dead}/mqtt`, mosquitto.wsUrl]);
    await createOpenPoll(rig.hub, { id: 'relais', question: 'Ça passe ?', options: ['oui', 'non'] });
    const kiosk = await openPage(rig.browser, `${rig.hub.url}/kiosk`, { width: 1920, height: 1080 });
    const vote = await openPage(rig.browser, `${rig.hub.url}/vote`, { width: 390, height: 844 });
    await waitConnected(kiosk.page, 30_000);
    await waitConnected(vote.page, 30_000);
    await vote.page.getByRole('button', { name: 'oui' }).click();
    await vote.page.locator('.feedback', { hasText: 'Vote reçu : oui' }).waitFor({ timeout: 15_000 });
    await waitKioskCounts(kiosk.page, { oui: 1, non: 0 });
  });
});
