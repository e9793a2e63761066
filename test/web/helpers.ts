/**
 * Helpers of the browser tests: the pages built into a private folder (so parallel
 * test files never read a half-written bundle), the real server in front of them,
 * and a few reads of what a person sees on screen.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { EnvName } from '../../runtime/env.js';
import type { RunningServer } from '../../server/index.js';
import { launchBrowser, watchProblems } from '../harness/browser.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { startTestServer } from '../server/helpers.js';

const BUILD = fileURLToPath(new URL('../../web/build.mjs', import.meta.url));

export interface BuiltPages {
  dir: string;
  remove(): void;
}

/** Builds the pages (the same script as `npm run build`) into a temporary folder. */
export async function buildPages(): Promise<BuiltPages> {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-web-'));
  await promisify(execFile)(process.execPath, [BUILD, '--quiet', '--outdir', dir], { timeout: 60_000 });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Hub {
  server: RunningServer;
  url: string;
  stop(): Promise<void>;
}

type HubEnv = Partial<Record<EnvName, string>>;

/** The real server (embedded broker unless MQTT_URL is given) on free loopback ports. */
export async function startHub(webRoot: string, env: HubEnv = {}): Promise<Hub> {
  const test = await startTestServer({ ADMIN_TOKEN: 'web-test-admin-token', ...env }, { webRoot });
  return { server: test.running, url: test.running.httpUrl, stop: () => test.dispose() };
}

export interface WebHub {
  readonly pages: BuiltPages;
  readonly hub: Hub;
  readonly browser: Browser;
  /** A plain MQTT client on the hub's broker (only with `publisher: true`). */
  readonly publisher: MqttClient;
}

/**
 * The setup of a browser test file, for its describe block: a beforeAll that
 * builds the pages, starts the hub in front of them (with `env`, or what `env()`
 * returns once earlier beforeAll hooks ran), launches Chromium and, with
 * `publisher`, connects an MQTT client to the hub's broker; an afterAll that
 * closes them in reverse. The fields are filled in by the beforeAll.
 */
export function useWebHub(options: { env?: HubEnv | (() => HubEnv); publisher?: boolean } = {}): WebHub {
  const rig: { -readonly [K in keyof WebHub]?: WebHub[K] } = {};
  beforeAll(async () => {
    rig.pages = await buildPages();
    rig.hub = await startHub(rig.pages.dir, typeof options.env === 'function' ? options.env() : options.env);
    rig.browser = await launchBrowser();
    if (options.publisher === true) rig.publisher = await connectClient(rig.hub.server.mqttUrl);
  });
  afterAll(async () => {
    await rig.browser?.close();
    if (rig.publisher) await closeClient(rig.publisher);
    await rig.hub?.stop();
    rig.pages?.remove();
  });
  return rig as WebHub;
}

/** Creates and opens a poll through the admin HTTP API, as `mqtt-classroom poll` does. */
export async function createOpenPoll(
  hub: Hub,
  poll: { id: string; question: string; options: (string | { id: string; label: string })[]; policy?: string },
): Promise<void> {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${hub.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${hub.server.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  };
  await call('POST', '/api/polls', poll);
  await call('POST', `/api/polls/${encodeURIComponent(poll.id)}/open`);
}

export async function adminPost(hub: Hub, path: string): Promise<void> {
  const response = await fetch(`${hub.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${hub.server.adminToken}` } });
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
}

export interface OpenedPage {
  page: Page;
  /** Console errors, uncaught exceptions (CSP refusals land here): should stay empty. */
  problems: string[];
}

export async function openPage(
  browser: Browser,
  url: string,
  options: { width?: number; height?: number; locale?: string; initScript?: string } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    locale: options.locale ?? 'fr-FR',
  });
  if (options.initScript !== undefined) await context.addInitScript(options.initScript);
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(url);
  return { page, problems };
}

/** Waits until the page's connection badge says it is connected. */
export async function waitConnected(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForFunction(() => document.querySelector('.conn')?.getAttribute('data-state') === 'connected', null, { timeout });
}

/** The kiosk's bars as a person reads them: label -> count shown. */
export function kioskCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const counts: Record<string, number> = {};
    for (const row of document.querySelectorAll('.bar-row')) {
      const label = row.querySelector('.bar-label')?.textContent ?? '';
      // Counts are formatted for the page's language (1 234 in French): keep the digits.
      counts[label] = Number((row.querySelector('.bar-count')?.textContent ?? '').replace(/\D/g, ''));
    }
    return counts;
  });
}

/** Resolves once the kiosk shows exactly `expected`. */
export async function waitKioskCounts(page: Page, expected: Record<string, number>, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const rows = [...document.querySelectorAll('.bar-row')];
      if (rows.length !== Object.keys(want).length) return false;
      return rows.every((row) => {
        const label = row.querySelector('.bar-label')?.textContent ?? '';
        const shown = Number((row.querySelector('.bar-count')?.textContent ?? '').replace(/\D/g, ''));
        return want[label] === shown;
      });
    },
    expected,
    { timeout },
  );
}

/**
 * Counts, from outside the page, DOM mutation batches in the results per animation
 * frame, and the longest task. The probe's own rAF callback is registered first in
 * every frame, so it resets the per-frame count before the page draws.
 */
export async function installFrameProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe = { batches: 0, inFrame: 0, maxBatchesInOneFrame: 0, longestTaskMs: 0 };
    (window as unknown as { __probe: typeof probe }).__probe = probe;
    const tick = () => {
      probe.inFrame = 0;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    new MutationObserver(() => {
      probe.batches += 1;
      probe.inFrame += 1;
      probe.maxBatchesInOneFrame = Math.max(probe.maxBatchesInOneFrame, probe.inFrame);
    }).observe(document.querySelector('.results') as Node, { subtree: true, childList: true, characterData: true, attributes: true });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) probe.longestTaskMs = Math.max(probe.longestTaskMs, entry.duration);
    }).observe({ type: 'longtask' });
  });
}

export async function readFrameProbe(page: Page): Promise<{ batches: number; maxBatchesInOneFrame: number; longestTaskMs: number }> {
  return page.evaluate(() => (window as unknown as { __probe: { batches: number; maxBatchesInOneFrame: number; longestTaskMs: number } }).__probe);
}

