#!/usr/bin/env node
// The one CLI entry. The TypeScript sources are compiled to dist/ by `npm run build`
// (npm start and npm test do it for you).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('mqtt-classroom: the program is not built yet. Run `npm run build` (or `npm start`) first.');
  process.exit(2);
}
const argv = process.argv.slice(2);
const ctx = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};
// `device --config <file>`: the agent's own bundle (scripts/build-device.mjs), without
// commander and the other commands, so a Pi keeps less in memory. It answers null
// for any other form (--help, a mistake), which the full CLI then parses.
const device = new URL('../dist/device-bundle/device.mjs', import.meta.url);
const code = argv[0] === 'device' && existsSync(device) ? await (await import(device.href)).runDeviceEntry(argv, ctx) : null;
process.exitCode = code ?? (await (await import(entry.href)).main(argv, ctx));
