/**
 * The README's picture of the teacher's page (`docs/img/prof.png`): the real hub
 * (embedded broker, a throwaway DATA_DIR) with a lesson imported and its second
 * question running with a countdown and votes, photographed in Debian's Chromium
 * with the test harness's flags. Run after `npm run build`:
 *
 *   node --import tsx scripts/prof-screenshot.ts [out.png]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { loadServerEnv } from '../runtime/env.js';
import { startServer } from '../server/index.js';
import { launchBrowser } from '../test/harness/browser.js';

const out = process.argv[2] ?? join(process.cwd(), 'docs', 'img', 'prof.png');
const lesson = {
  id: 'geo',
  title: 'Géographie, 3e',
  questions: [
    { question: 'Capitale de la France ?', options: ['A=Paris', 'B=Lyon', 'C=Marseille'], correct: 'A' },
    { question: 'Le plus long fleuve de France ?', options: ['A=La Loire', 'B=La Seine', 'C=Le Rhône', 'D=La Garonne'], correct: 'A', seconds: 90 },
    { question: 'Combien de régions en métropole ?', options: ['A=13', 'B=18', 'C=22'], correct: 'A' },
  ],
};
const votes: Record<string, number> = { A: 11, B: 6, C: 4, D: 2 };

const dataDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-shot-'));
const config = loadServerEnv({
  env: { MQTT_PORT: '0', MQTT_HOST: '127.0.0.1', HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: 'screenshot-admin-token', LOG_LEVEL: 'silent' },
  dotenvPath: null,
});
const server = await startServer({ config });
const browser = await launchBrowser();
try {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.httpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  };
  await call('POST', '/api/lessons', lesson);
  await call('POST', '/api/lessons/geo/next');
  const phone = await mqtt.connectAsync(server.mqttUrl);
  for (const [option, n] of [['A', 14], ['B', 3], ['C', 2]] as const) {
    for (let i = 0; i < n; i += 1) await phone.publishAsync('classroom/votes/geo-1', JSON.stringify({ id: `q1-${option}-${i}`, option, voter: `q1-${option}-${i}`, source: 'web', ts: Date.now() }), { qos: 1 });
  }
  // "Next" closes question 1: its votes must be counted first (PUBACK is the broker's, not the hub's).
  while (server.polls.get('geo-1').tally.total < 19) await new Promise((resolve) => setTimeout(resolve, 50));
  await call('POST', '/api/lessons/geo/next');
  for (const [option, n] of Object.entries(votes)) {
    for (let i = 0; i < n; i += 1) await phone.publishAsync('classroom/votes/geo-2', JSON.stringify({ id: `q2-${option}-${i}`, option, voter: `q2-${option}-${i}`, source: 'web', ts: Date.now() }), { qos: 1 });
  }
  await phone.endAsync();

  const context = await browser.newContext({ viewport: { width: 1100, height: 1180 }, locale: 'fr-FR', deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(server.signInLink().replace(/^https?:\/\/[^/]+/, server.httpUrl));
  await page.locator('body[data-signed-in="true"]').waitFor();
  await page.locator('.run-question', { hasText: 'fleuve' }).waitFor();
  await page.waitForFunction((total) => document.querySelector('.run-total')?.textContent?.includes(`${total} votes`), Object.values(votes).reduce((a, b) => a + b, 0));
  await page.locator('.run-countdown', { hasText: ':' }).waitFor();
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
