/**
 * Issue 15 item 6 in a real Chromium: /pain and the kiosk opened in the middle of
 * a bake draw it from its start (the hub's readings), then add the live ones, the
 * retained copy of the last reading not drawn twice.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { until } from '../harness/wait.js';
import { type OpenedPage, openPage, useWebHub, waitConnected } from './helpers.js';

describe.skipIf(!canRun('chromium'))('the whole bake on /pain and the kiosk', { timeout: 90_000 }, () => {
  const rig = useWebHub();
  const opened: OpenedPage[] = [];
  let oven: MqttClient;
  const readings = [21.5, 30, 45.5, 60, 72.5];

  beforeAll(async () => {
    const account = rig.hub.server.addDeviceAccount('four');
    oven = await connectClient(rig.hub.server.mqttUrl, { username: account.username, password: account.password, clientId: 'mqtt-classroom-device-four' });
    await oven.publishAsync('pain/cuisson', 'cuisson', { qos: 1, retain: true });
    for (const celsius of readings) await oven.publishAsync('pain/cuisson/temperature', String(celsius), { qos: 1, retain: true });
    await until(async () => ((await (await fetch(`${rig.hub.url}/api/bread/history`)).json()) as { readings: unknown[] }).readings.length === readings.length, 'the hub to store the readings');
  });
  afterAll(async () => {
    if (oven !== undefined) await closeClient(oven);
    for (const { page } of opened) await page.context().close().catch(() => undefined);
  });

  async function open(path: string): Promise<OpenedPage> {
    const result = await openPage(rig.browser, `${rig.hub.url}${path}`, { width: 1280, height: 800 });
    opened.push(result);
    await waitConnected(result.page);
    return result;
  }

  it('/pain opened after the readings shows them all, then the next one, once each', async () => {
    const { page, problems } = await open('/pain');
    await page.locator('.bread-temp', { hasText: '72,5 °C' }).waitFor();
    // Every earlier reading, and the retained copy of the last one not added again.
    await page.locator(`.chart[data-points="${readings.length}"]`).waitFor();
    await oven.publishAsync('pain/cuisson/temperature', '80', { qos: 1, retain: true });
    await page.locator('.bread-temp', { hasText: '80,0 °C' }).waitFor();
    await page.locator(`.chart[data-points="${readings.length + 1}"]`).waitFor();
    expect(problems).toEqual([]);
  });

  it('the kiosk opened mid-bake draws the curve from the start too', async () => {
    const { page, problems } = await open('/kiosk');
    await page.locator('.bread-temp', { hasText: '80,0 °C' }).waitFor();
    await page.locator(`.bread-spark[data-points="${readings.length + 1}"]`).waitFor();
    expect(await page.locator('.bread-spark polyline').getAttribute('points')).toMatch(/^(\S+,\S+ ){5}\S+,\S+$/);
    expect(problems).toEqual([]);
  });

  it('a new bake empties the curve of the pages already open, and a page opened then starts from it', async () => {
    const [pain, kiosk] = opened as [OpenedPage, OpenedPage];
    const response = await fetch(`${rig.hub.url}/api/bread/new-bake`, { method: 'POST', headers: { authorization: `Bearer ${rig.hub.server.adminToken}` } });
    expect(response.status).toBe(200);
    // Told by the hub's retained classroom/bread/bake: no reload.
    await pain.page.locator('.chart[data-points="0"]').waitFor();
    await kiosk.page.locator('.bread-spark[data-points="0"]').waitFor();
    const { page, problems } = await open('/pain');
    await page.locator('.bread-temp', { hasText: '80,0 °C' }).waitFor();
    // The retained 80 °C is the oven's state now, and the first point of the new bake on the page only.
    await page.locator('.chart[data-points="1"]').waitFor();
    expect(problems).toEqual([]);
  });
});
