// `npm start` and `npm test` must work on a fresh clone without a separate
// `npm install`: install the locked dependencies when node_modules is missing.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(new URL('../node_modules/.package-lock.json', import.meta.url))) {
  console.log('mqtt-classroom: node_modules is missing, running npm install first…');
  const lock = existsSync(new URL('../package-lock.json', import.meta.url));
  const result = spawnSync('npm', [lock ? 'ci' : 'install', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('mqtt-classroom: npm install failed; fix the error above and run it again.');
    process.exit(result.status ?? 1);
  }
}
