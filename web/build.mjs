// Bundles the web pages into web/dist, which the server serves as static files:
//   web/dist/<page>.html and web/dist/assets/<page>.js + .css, index.html = kiosk.
// No inline script or style anywhere (the server's CSP forbids both).
// Usage: node web/build.mjs [--quiet] [--analyze] [--no-minify] [--outdir DIR]
//   --analyze: what each bundle is made of; --outdir: build elsewhere (tests do).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { substitutes } from './shims/substitutes.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const outdirAt = process.argv.indexOf('--outdir');
const dist = outdirAt > 0 && process.argv[outdirAt + 1] ? resolve(process.argv[outdirAt + 1]) : join(root, 'dist');
const quiet = process.argv.includes('--quiet');
const analyze = process.argv.includes('--analyze');

/** page -> French title (the page sets its localized title once it runs). */
const PAGES = {
  kiosk: 'Résultats du vote',
  vote: 'Voter',
  pain: 'Le pain',
  chat: 'Chat de la classe',
  prof: 'Page du prof',
};

/** A page whose entry is not pages/<page>.ts: the kiosk's script is also its raw-vote worker. */
const ENTRY_FILES = { kiosk: 'kiosk-entry.ts' };

// Files are overwritten in place, never the folder removed: a running server (or
// another test run) may be serving it while this builds.
mkdirSync(join(dist, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: Object.fromEntries(Object.keys(PAGES).map((page) => [page, join(root, 'pages', ENTRY_FILES[page] ?? `${page}.ts`)])),
  outdir: join(dist, 'assets'),
  bundle: true,
  minify: !process.argv.includes('--no-minify'),
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  sourcemap: 'linked',
  legalComments: 'none',
  metafile: true,
  define: { global: 'globalThis' },
  plugins: [substitutes],
  logLevel: 'warning',
});

for (const [page, title] of Object.entries(PAGES)) {
  writeFileSync(join(dist, `${page}.html`), html(page, title));
}
writeFileSync(join(dist, 'index.html'), html('kiosk', PAGES.kiosk));

if (!quiet) {
  const rows = Object.keys(result.metafile.outputs)
    .filter((file) => /\.(js|css)$/.test(file))
    .map((file) => {
      const bytes = readFileSync(file);
      return `  ${file.replace(/^.*\/assets\//, 'assets/').padEnd(28)} ${kb(bytes.length).padStart(9)} ${kb(gzipSync(bytes, { level: 9 }).length).padStart(9)} gzip`;
    });
  process.stdout.write(`web pages built in ${relative(process.cwd(), dist) || '.'}:\n${rows.join('\n')}\n`);
}
if (analyze) process.stdout.write(await esbuild.analyzeMetafile(result.metafile));

function html(page, title) {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/${page}.css">
<script type="module" src="/assets/${page}.js"></script>
</head>
<body class="page page-${page}">
<main id="app" aria-live="off"></main>
<noscript>Cette page a besoin de JavaScript. / This page needs JavaScript.</noscript>
</body>
</html>
`;
}

function kb(n) {
  return `${(n / 1024).toFixed(1)} KB`;
}
