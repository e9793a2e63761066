/**
 * Issue 15 item 4 in a real Chromium: "La salle" on /prof lists a box and follows
 * its state live (the hub's server-sent events, no reload, no polling), and its
 * "Nouvelle cuisson" button starts a new bake (item 6).
 */
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeDeviceInfo } from '../../shared/codecs/device-info.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { until } from '../harness/wait.js';
import { seriousViolations } from './axe.js';
import { type OpenedPage, openPage, useWebHub } from './helpers.js';

const info = (outbox: number) =>
  encodeDeviceInfo({ version: '9.9.9', inputs: [{ type: 'gpio', buttons: [{ id: '1', press: 1, longPress: null }, { id: '2', press: 2, longPress: null }] }], sensors: [], outbox, lastActivity: 1_700_000_000_000, at: 1_700_000_000_000 });

describe.skipIf(!canRun('chromium'))('the room panel of /prof', { timeout: 90_000 }, () => {
  const rig = useWebHub();
  const opened: OpenedPage[] = [];
  const clients: MqttClient[] = [];

  afterAll(async () => {
    for (const client of clients) await closeClient(client);
    for (const { page } of opened) await page.context().close().catch(() => undefined);
  });

  async function device(id: string): Promise<MqttClient> {
    const account = rig.hub.server.addDeviceAccount(id);
    const client = await connectClient(rig.hub.server.mqttUrl, { username: account.username, password: account.password, clientId: `mqtt-classroom-device-${id}` });
    clients.push(client);
    return client;
  }

  it('lists a box and follows it live: online with its waiting votes, then offline', async () => {
    const link = rig.hub.server.signInLink().replace(/^https?:\/\/[^/]+/, '');
    const prof = await openPage(rig.browser, `${rig.hub.url}${link}`, { width: 390, height: 844 });
    opened.push(prof);
    const { page, problems } = prof;
    await page.locator('body[data-signed-in="true"]').waitFor();
    await page.locator('#prof-room h2', { hasText: 'La salle' }).waitFor();
    await page.locator('#prof-room .room-live', { hasText: 'Mise à jour en direct' }).waitFor();

    const box = await device('boite-7');
    await box.publishAsync('classroom/devices/boite-7/status', 'online', { qos: 1, retain: true });
    await box.publishAsync('classroom/devices/boite-7/info', info(2), { qos: 1, retain: true });
    const row = page.locator('tr[data-device="boite-7"]');
    await row.locator('.room-state', { hasText: 'En ligne' }).waitFor();
    await row.locator('.room-outbox', { hasText: '2' }).waitFor();
    expect(await row.textContent()).toContain('gpio 1→1 2→2');
    expect(await seriousViolations(page)).toEqual([]);

    await box.publishAsync('classroom/devices/boite-7/info', info(0), { qos: 1, retain: true });
    await row.locator('.room-outbox', { hasText: '0' }).waitFor();
    await box.publishAsync('classroom/devices/boite-7/status', 'offline', { qos: 1, retain: true });
    await page.locator('tr[data-device="boite-7"][data-status="offline"] .room-state', { hasText: 'Hors ligne' }).waitFor();
    // The browsers connected: at least this test's own MQTT client is not one of them (a device), the count is shown.
    expect(await page.locator('#prof-room .room-facts').textContent()).toContain('Navigateurs connectés');
    expect(problems).toEqual([]);
  });

  it('"Nouvelle cuisson" empties the bake the hub keeps', async () => {
    const oven = await device('four');
    await oven.publishAsync('pain/cuisson/temperature', '42', { qos: 1, retain: true });
    const history = async () => ((await (await fetch(`${rig.hub.url}/api/bread/history`)).json()) as { readings: unknown[] }).readings.length;
    await until(async () => (await history()) > 0, 'a reading stored');
    const { page, problems } = opened[0] as OpenedPage;
    await page.locator('#prof-room .room-facts', { hasText: '42,0 °C' }).waitFor();
    await page.getByRole('button', { name: 'Nouvelle cuisson' }).click();
    await page.locator('#prof-room .room-note', { hasText: 'Nouvelle cuisson commencée' }).waitFor();
    expect(await history()).toBe(0);
    expect(problems).toEqual([]);
  });
});
