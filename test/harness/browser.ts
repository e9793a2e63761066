/**
 * Debian's Chromium driven by playwright-core (no browser download). A test file
 * uses `describe.skipIf(!canRun('chromium'))` and closes what it launched in afterAll.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type ConsoleMessage, type Page, chromium } from 'playwright-core';
import { findBinary } from './system-deps.js';

export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  const executablePath = findBinary('chromium') ?? '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    timeout: 20_000,
  });
}

/**
 * Collects what a page complains about: console errors (CSP refusals are logged
 * there), uncaught exceptions and CSP violation reports. Tests assert it stays empty.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // A page that lost its broker logs the failed WebSocket; that is expected in the
    // restart tests and says nothing about the page itself.
    if (/WebSocket connection to .* failed/.test(text)) return;
    problems.push(`console: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
