/**
 * What the built pages are made of: no inline script or style (the server's CSP refuses
 * both), no CDN, bundles small enough for a phone. What the sources may import and that
 * they build no HTML from strings is eslint.config.js's (see test/eslint-config.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltPages, buildPages } from './helpers.js';

describe('built pages', () => {
  let built: BuiltPages;
  beforeAll(async () => {
    built = await buildPages();
  }, 60_000);
  afterAll(() => built?.remove());

  it.each(['index', 'kiosk', 'vote', 'pain', 'chat'])('%s.html loads its bundle from a file, with no inline script or style', (page) => {
    const html = readFileSync(join(built.dir, `${page}.html`), 'utf8');
    const bundle = page === 'index' ? 'kiosk' : page;
    expect(html).toContain(`<script type="module" src="/assets/${bundle}.js"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="/assets/${bundle}.css">`);
    expect(html.match(/<script\b/g)?.length).toBe(1);
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    expect(html).not.toMatch(/https?:\/\//); // no CDN
  });

  it('bundles contain no CDN address and stay small enough for a phone', () => {
    for (const page of ['kiosk', 'vote', 'pain', 'chat']) {
      const js = readFileSync(join(built.dir, 'assets', `${page}.js`), 'utf8');
      expect(js).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
      // A regression guard, not the target: MQTT.js and its polyfills are ~225 KB raw.
      expect(js.length, page).toBeLessThan(320 * 1024);
    }
  });
});
