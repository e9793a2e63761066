/**
 * Script budget of each page (issue 17): gzip -9 of every <script src> a page loads,
 * as bench/footprint.ts measures it. A build check, not a timing: a page that grows
 * past its budget fails here, with its size, before it reaches a phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageScripts } from '../../bench/footprint.js';
import { type BuiltPages, buildPages } from './helpers.js';

const KB = 1024;
/** The vote page is what a phone on weak Wi-Fi loads first; /pain carries the chart. */
const BUDGET_KB: Record<string, number> = { vote: 25, kiosk: 35, chat: 35, pain: 50, prof: 35 };

let pages: BuiltPages;
beforeAll(async () => {
  pages = await buildPages();
});
afterAll(() => pages?.remove());

describe('page script weight (gzip)', () => {
  it('builds exactly the pages that have a budget', () => {
    expect(Object.keys(pageScripts(pages.dir)).sort()).toEqual(Object.keys(BUDGET_KB).sort());
  });

  it.each(Object.entries(BUDGET_KB))('/%s stays within %i KB', (page, budget) => {
    const gzipKb = Math.round((pageScripts(pages.dir)[page]!.gzip / KB) * 10) / 10;
    expect(gzipKb, `/${page} script is ${gzipKb} KB gzip, budget ${budget} KB`).toBeLessThanOrEqual(budget);
  });
});
