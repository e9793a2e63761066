// The CLI as bin/mqtt-classroom.js runs it, but from the TypeScript sources (under
// tsx), so process tests need no build: `node --import tsx cli-entry.ts device ...`.
import { main } from '../../../cli/main.js';

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
