/**
 * `mqtt-classroom bread new-bake`: the teacher's "new bake" from the hub's
 * terminal, through the admin API like `mqtt-classroom poll` (docs/server.md).
 */
import { loadAdminEnv } from '../../runtime/env.js';
import { adminClientFromConfig } from '../../server/admin-client.js';
import type { CliContext } from '../main.js';

export async function newBake(options: { server?: string }, ctx: CliContext): Promise<void> {
  const client = adminClientFromConfig(loadAdminEnv({ env: ctx.env }), options.server === undefined ? {} : { serverUrl: options.server });
  await client.newBake();
  ctx.stdout('new bake started: /pain and the kiosk draw the curve from the next reading\n');
}
