/**
 * What the pages are allowed to be made of: text from the network never becomes
 * HTML, the browser code imports only the protocol core and its few libraries, and
 * the built pages carry no inline script or style (the server's CSP refuses both).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltPages, buildPages } from './helpers.js';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'dist' || entry.name === 'node_modules' ? [] : files(path, ext);
    return ext.test(entry.name) ? [path] : [];
  });
}

const sources = files(WEB, /\.ts$/).map((path) => ({ path: path.slice(WEB.length), text: readFileSync(path, 'utf8') }));

describe('web/ sources', () => {
  it('exist (the checks below are not vacuous)', () => {
    expect(sources.map((s) => s.path)).toEqual(expect.arrayContaining(['pages/kiosk.ts', 'pages/vote.ts', 'pages/pain.ts', 'pages/chat.ts']));
  });

  it.each(sources.map((s) => [s.path, s.text]))('%s builds no HTML from strings', (_path, text) => {
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'DOMParser', 'createContextualFragment']) {
      expect(text).not.toContain(sink);
    }
  });

  it.each(sources.map((s) => [s.path, s.text]))('%s imports only shared/, web/ and the pages\' libraries', (_path, text) => {
    const imports = [...text.matchAll(/^\s*import\s+(?:[^'"]+\s+from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1] as string);
    for (const spec of imports) {
      const allowed =
        spec.startsWith('../../shared/') ||
        spec.startsWith('./') ||
        spec.startsWith('../lib/') ||
        spec.startsWith('../styles/') ||
        /^mqtt\/lib\/(client|connect\/ws)$/.test(spec) ||
        spec === 'uqr' ||
        spec === 'uplot' ||
        spec === 'uplot/dist/uPlot.min.css';
      expect(allowed, `${spec} is not for the browser bundle`).toBe(true);
    }
  });
});

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
