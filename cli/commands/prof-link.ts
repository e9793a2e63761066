import { renderUnicodeCompact } from 'uqr';
import { loadAdminEnv } from '../../runtime/env.js';
import type { CliContext } from '../main.js';

/**
 * The teacher's sign-in link and its QR code, as the server prints them at start
 * and `mqtt-classroom prof-link` prints them again (a service's terminal is its
 * journal, which a teacher does not read at the projector).
 */
export function signInBlock(url: string): string {
  return [
    `  teacher's page   ${url}`,
    '                   (one-time sign-in link, valid 15 minutes; `mqtt-classroom prof-link` prints a new one)',
    renderUnicodeCompact(url, { border: 1 })
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n'),
  ].join('\n');
}

/** `mqtt-classroom prof-link`: asks the running server for a new sign-in link. */
export async function profLink(options: { server?: string }, ctx: CliContext): Promise<void> {
  const { adminClientFromConfig } = await import('../../server/admin-client.js');
  const client = adminClientFromConfig(loadAdminEnv({ env: ctx.env }), options.server === undefined ? {} : { serverUrl: options.server });
  const { url } = await client.signInLink();
  ctx.stdout(`${signInBlock(url)}\n`);
}
