// The CLI as bin/mqtt-classroom.js runs it, but from the TypeScript sources (under
// tsx), so process tests need no build: `node --import tsx cli-entry.ts device ...`.
// The device command goes through its own entry first, as bin/ sends it to the bundle.
import { runDeviceEntry } from '../../../cli/device-entry.js';
import { main } from '../../../cli/main.js';

const argv = process.argv.slice(2);
const ctx = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
  env: process.env,
};
process.exitCode = (await runDeviceEntry(argv, ctx)) ?? (await main(argv, ctx));
