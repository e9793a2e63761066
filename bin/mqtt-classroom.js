#!/usr/bin/env node
// The one CLI entry. The TypeScript sources are compiled to dist/ by `npm run build`
// (npm start and npm test do it for you).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('mqtt-classroom: the program is not built yet. Run `npm run build` (or `npm start`) first.');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
