// Bundles the web pages with esbuild into web/dist, which the server serves.
// The pages arrive with the web issue; until then this writes a placeholder.
import { mkdirSync, writeFileSync } from 'node:fs';

const out = new URL('./dist/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(
  new URL('index.html', out),
  '<!doctype html><meta charset="utf-8"><title>mqtt-classroom</title><p>Les pages arrivent bientôt. / Pages coming soon.</p>\n',
);
