/**
 * `mqtt-classroom chat clear` and `chat mute|unmute NAME`: the teacher's hand on
 * the hub's chat history, through the admin API (ADMIN_TOKEN, or the token a local
 * server saved in DATA_DIR), like `mqtt-classroom poll`.
 */
import { loadAdminEnv } from '../../runtime/env.js';
import { adminClientFromConfig } from '../../server/admin-client.js';
import type { CliContext } from '../main.js';

function client(ctx: CliContext, options: { server?: string }) {
  return adminClientFromConfig(loadAdminEnv({ env: ctx.env }), options.server === undefined ? {} : { serverUrl: options.server });
}

export async function chatClear(options: { server?: string }, ctx: CliContext): Promise<void> {
  const cleared = await client(ctx, options).clearChat();
  ctx.stdout(`chat history cleared (${cleared} messages); pages already open keep what they show until they are reloaded\n`);
}

export async function chatMute(mute: boolean, name: string, options: { server?: string }, ctx: CliContext): Promise<void> {
  const removed = await client(ctx, options).muteChat(name, mute);
  ctx.stdout(
    mute
      ? `${name} muted: ${removed} messages removed from the history; chat pages hide ${name} from their next load. ` +
          'MQTT cannot unsend: pages already open and mosquitto_sub still receive what it sends\n'
      : `${name} unmuted\n`,
  );
}
