// Makes docs/img/leaderboard.png, the kiosk's quiz leaderboard in the README
// and docs/web.md: a hub with a small made-up quiz, six players (one a box's team)
// answering over MQTT, the last question closed, and Debian's Chromium
// (playwright-core, no browser download) photographing /kiosk.
// Run after `npm run build`:  node scripts/leaderboard-screenshot.mjs [out.png]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { chromium } from 'playwright-core';
import { loadServerEnv } from '../dist/runtime/env.js';
import { startServer } from '../dist/server/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2] ?? join(root, 'docs', 'img', 'leaderboard.png');
const token = 'screenshot-admin-token';
const dataDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-shot-'));
const config = loadServerEnv({
  env: { MQTT_PORT: '0', MQTT_HOST: '127.0.0.1', HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: token, LOG_LEVEL: 'silent' },
  dotenvPath: null,
});
const server = await startServer({ config, webRoot: join(root, 'web', 'dist') });
const api = async (method, path, body, auth = true) => {
  const response = await globalThis.fetch(`${server.httpUrl}${path}`, {
    method,
    headers: { ...(auth ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
};
const client = await mqtt.connectAsync(server.mqttUrl);
let browser;
try {
  await api('POST', '/api/lessons', {
    id: 'quiz',
    title: 'Quiz du lundi',
    quiz: true,
    questions: [
      { question: '2 + 2 ?', options: ['A=4', 'B=5'], correct: 'A' },
      { question: 'Le protocole des objets ?', options: ['A=HTTP', 'B=MQTT'], correct: 'B' },
      { question: 'Le port de MQTT ?', options: ['A=80', 'B=1883'], correct: 'B' },
    ],
  });
  // Each player: its secret, its name (null: the team its votes carry) and its answers.
  const players = [
    ['s-zoe', 'Zoé', null, 'ABB'],
    ['s-ali', 'Ali', null, 'ABA'],
    ['s-box', null, 'Les Rouges', 'ABB'],
    ['s-lea', 'Léa', null, 'BBB'],
    ['s-max', 'Max', null, 'AAA'],
    ['s-ines', 'Inès', null, 'BAB'],
  ];
  for (const [secret, name] of players) if (name !== null) await api('POST', '/api/player/nickname', { secret, poll: 'quiz-1', nickname: name }, false);
  let n = 0;
  for (let q = 1; q <= 3; q += 1) {
    await api('POST', '/api/lessons/quiz/next');
    for (const [secret, , team, answers] of players) {
      n += 1;
      const vote = { id: `shot-${n}`, option: answers[q - 1], voter: secret, source: team === null ? 'web' : 'button', ts: Date.now(), ...(team === null ? {} : { team }) };
      await client.publishAsync(`classroom/votes/quiz-${q}`, JSON.stringify(vote), { qos: 1 });
    }
    for (;;) {
      const summary = await api('GET', `/api/polls/quiz-${q}`);
      if (summary.tally.total === players.length) break;
      await sleep(20);
    }
  }
  // Closing the last question shows the final leaderboard on the kiosk.
  await api('POST', '/api/polls/quiz-3/close');
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, locale: 'fr-FR' });
  await page.goto(`${server.httpUrl}/kiosk`);
  await page.locator('.leaderboard:not([hidden]) li').nth(players.length - 1).waitFor({ timeout: 15_000 });
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`leaderboard screenshot written to ${out}`);
} finally {
  await browser?.close();
  await client.endAsync();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
