import type { MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { createOpenPoll, openPage, useWebHub, waitConnected } from '../web/helpers.js';
import { Figures } from './figures.js';

/**
 * Item 5 of the reliability issue: hostile strings reach every page (kiosk, vote,
 * bread, chat) in poll questions and labels, chat names and messages, and the
 * bread topics; they must show as text and never become markup. The CSP would
 * block an inline handler anyway, so the check that matters is that no element
 * was made from them (textContent, never innerHTML), not only that none ran.
 * test/web/pages.test.ts has the first case of each; this is the full list.
 */
const VECTORS = [
  `<img src=x onerror="window.__pwned='img'">`,
  `<svg onload="window.__pwned='svg'"></svg>`,
  `"><script>window.__pwned='script'</script>`,
  `<iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>`,
  `<a href="javascript:window.__pwned='a'">clic</a>`,
  `<b onmouseover="window.__pwned='b'">gras</b>`,
  `{{constructor.constructor('window.__pwned=1')()}}`,
  `\u202eevil\u200b &amp; &lt;b&gt;`,
];
/** Chat names are topic levels: no `/`, `+` or `#`. */
const NAMES = [`<img src=x onerror=window.__pwned=5>`, `<svg onload=window.__pwned=6>`, `"><b>nom`, `&lt;i&gt;`];
// The kiosk's own SVGs (its QR code, the bake's curve) are of the page's making: not counted.
const INJECTED = '#app img, #app svg:not(.qr-box svg):not(.bread-spark), #app script, #app iframe, #app a[href^="javascript"], #app b, #app i';

const figures = new Figures('browser-inert');
afterAll(() => figures.write());

describe.skipIf(!canRun('chromium'))('hostile strings are inert on every page (real Chromium)', { timeout: 90_000 }, () => {
  const rig = useWebHub({ publisher: true });
  let oven: MqttClient;
  const opened: Page[] = [];

  beforeAll(async () => {
    // Only a device may write the bread topics: a hostile (or broken) oven.
    const account = rig.hub.server.addDeviceAccount('four');
    oven = await connectClient(rig.hub.server.mqttUrl, { username: account.username, password: account.password, clientId: 'mqtt-classroom-device-four' });
  });
  afterAll(async () => {
    for (const page of opened) await page.context().close().catch(() => undefined);
    if (oven) await closeClient(oven);
  });

  it('in the question, the option labels, chat names and messages, and the bread state', async () => {
    const question = `Question ${VECTORS[0]} ${VECTORS[2]}`;
    await createOpenPoll(rig.hub, { id: 'xss', question, options: VECTORS.map((label, i) => ({ id: `o${i}`, label })) });
    await oven.publishAsync('pain/cuisson', VECTORS[1] as string, { qos: 1, retain: true });
    await oven.publishAsync('pain/cuisson/temperature', VECTORS[0] as string, { qos: 1, retain: true });
    const all: { name: string; page: Page; problems: string[] }[] = [];
    for (const [name, path] of [
      ['kiosk', '/kiosk?poll=xss'],
      ['vote', '/vote?poll=xss'],
      ['pain', '/pain'],
      ['chat', '/chat'],
    ] as const) {
      const { page, problems } = await openPage(rig.browser, `${rig.hub.url}${path}`, { width: 1280, height: 900 });
      opened.push(page);
      await waitConnected(page);
      all.push({ name, page, problems });
    }
    const [kiosk, vote, , chat] = all.map((p) => p.page) as [Page, Page, Page, Page];
    // Shown as text, exactly as sent.
    await kiosk.locator('.question', { hasText: 'Question' }).waitFor();
    expect(await kiosk.locator('.question').textContent()).toBe(question);
    for (const label of VECTORS) {
      await kiosk.locator('.bar-label', { hasText: label }).first().waitFor();
      await vote.getByRole('button', { name: label.trim() }).first().waitFor();
    }
    let messages = 0;
    for (const [i, name] of NAMES.entries()) {
      for (const text of [VECTORS[i] as string, VECTORS[i + 4] as string]) {
        await rig.publisher.publishAsync(`classroom/chat/${name}`, text, { qos: 1 });
        messages += 1;
        // The chat codec shows a direction override as U+FFFD (text that reads backwards is a lie about who said what).
        await chat.locator('.message-text', { hasText: text.replace(/[\u202a-\u202e\u2066-\u2069]/g, '\ufffd') }).first().waitFor();
      }
      await chat.locator('.message-name', { hasText: name }).first().waitFor();
    }
    // Nothing ran, no element was made from the strings, no CSP refusal was needed.
    const report: Record<string, { pwned: unknown; injected: number }> = {};
    for (const { name, page } of all) {
      report[name] = {
        pwned: await page.evaluate(() => (window as { __pwned?: unknown }).__pwned ?? null),
        injected: await page.locator(INJECTED).count(),
      };
    }
    const problems = all.flatMap((p) => p.problems.map((problem) => `${p.name}: ${problem}`));
    const tried = 1 + VECTORS.length + 2 + messages + NAMES.length;
    figures.add({
      area: 'browser',
      what: 'hostile strings in question, labels, chat names and messages, bread state and temperature',
      where: 'kiosk, vote, pain and chat pages in Chromium',
      tried,
      unit: 'strings',
      lost: 0,
      wrong: Object.values(report).filter((r) => r.pwned !== null || r.injected > 0).length,
      outcome: `${VECTORS.length} vectors on 4 pages: ${Object.entries(report)
        .map(([name, r]) => `${name} ${r.injected} elements made, ${r.pwned === null ? 'nothing ran' : `ran ${String(r.pwned)}`}`)
        .join('; ')}; ${problems.length} console problems`,
    });
    expect(report).toEqual(Object.fromEntries(all.map(({ name }) => [name, { pwned: null, injected: 0 }])));
    expect(problems).toEqual([]);
  });
});
