import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEPLOY_DIR } from './mosquitto-profile.js';

/** The checkout's root: the deploy scripts run from there, as users run them. */
export const ROOT = join(DEPLOY_DIR, '..');
export const PI_SETUP = join(DEPLOY_DIR, 'pi-setup.sh');

export function bash(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync('bash', args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
}
