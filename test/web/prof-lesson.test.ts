/**
 * Issue 15: a lesson prepared and run from the teacher's page, end to end in real
 * Chromium, on the embedded broker and on the Mosquitto classroom profile as
 * shipped (configured from make-accounts.sh's output, as on the Pi): phones, a box
 * of buttons, a countdown, hidden results, the correct answer revealed, the export.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/browser.js';
import { canRun } from '../harness/system-deps.js';
import { type ProfileBroker, startProfile } from '../deploy/mosquitto-profile.js';
import { type BuiltPages, type Hub, type OpenedPage, buildPages, startHub, useWebHub } from './helpers.js';
import { runLessonFromThePage } from './prof-scenario.js';

async function closeAll(opened: OpenedPage[]): Promise<void> {
  for (const { page } of opened) await page.context().close().catch(() => undefined);
}

describe.skipIf(!canRun('chromium'))("running a lesson from the teacher's page (embedded broker)", { timeout: 120_000 }, () => {
  const rig = useWebHub();
  const opened: OpenedPage[] = [];
  afterAll(() => closeAll(opened));

  it('imports a 3-question file, runs it (next, a countdown that closes by itself, hide and show), exports the results', async () => {
    const account = rig.hub.server.addDeviceAccount('boitier-prof');
    await runLessonFromThePage(rig.browser, rig.hub, opened, { deviceId: 'boitier-prof', url: rig.hub.server.mqttUrl, ...account });
  });
});

describe.skipIf(!canRun('chromium', 'mosquitto'))("running a lesson from the teacher's page (Mosquitto, classroom profile)", { timeout: 120_000 }, () => {
  let broker: ProfileBroker;
  let pages: BuiltPages;
  let hub: Hub;
  let browser: Browser;
  const opened: OpenedPage[] = [];

  beforeAll(async () => {
    broker = await startProfile('classroom', ['boitier-prof']);
    // The printed URLs name the shipped ports; this broker listens on free ones.
    const moved = (url: string | undefined) => (url ?? '').replace(/:(\d+)$/, (_m, port: string) => `:${broker.port(Number(port))}`);
    const printed = broker.env.hub ?? {};
    pages = await buildPages();
    hub = await startHub(pages.dir, { ...printed, MQTT_URL: moved(printed.MQTT_URL), MQTT_WS_URL: moved(printed.MQTT_WS_URL) });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await closeAll(opened);
    await browser?.close();
    await hub?.stop();
    pages?.remove();
    await broker?.dispose();
  });

  it('the same lesson, run the same way, with the phones on the profile’s WebSocket listener and its voter account', async () => {
    expect(hub.server.mqttPort).toBeNull();
    expect(hub.server.mqttUrl).toBe(`mqtt://127.0.0.1:${broker.port(1883)}`);
    const device = broker.env['boitier-prof'] ?? {};
    const moved = (url: string | undefined) => (url ?? '').replace(/:(\d+)$/, (_m, port: string) => `:${broker.port(Number(port))}`);
    await runLessonFromThePage(browser, hub, opened, { deviceId: 'boitier-prof', url: moved(device.MQTT_URL), username: device.MQTT_USERNAME, password: device.MQTT_PASSWORD });
  });
});
