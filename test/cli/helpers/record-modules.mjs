// `node --import ./record-modules.mjs ...`: writes every module URL the program
// resolved (ESM imports, the bundle's bare imports included) to the file named by
// RECORD_MODULES_TO when it exits. test/cli/device-entry.test.ts reads it.
import { writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const seen = [];
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => seen.push(url));
port1.unref();
register('./record-modules-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
const write = () => writeFileSync(process.env.RECORD_MODULES_TO, seen.join('\n'));
process.on('exit', write);
// A SIGTERM before the program has its own handler would end it without 'exit'.
process.on('SIGTERM', () => {
  write();
  if (process.listenerCount('SIGTERM') === 1) process.exit(143);
});
