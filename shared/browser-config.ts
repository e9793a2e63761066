/**
 * `/config.json`, what the server tells every page (docs/architecture.md). Nothing
 * secret. The server builds it (server/http/config-json.ts); the pages read it back
 * with parseBrowserConfig (web/lib/config.ts).
 */
import { assertPrefix } from './topics.js';

export interface BrowserConfig {
  /** null: same host as the page, path /mqtt, ws: or wss: following the page. */
  readonly wsUrl: string | null;
  readonly prefix: string;
  readonly voteTopic: string | null;
  readonly breadTopic: string;
  /** The low-privilege voter account of the secure profile, when configured. */
  readonly username?: string;
  readonly password?: string;
  /**
   * Where phones reach the pages; the kiosk's QR code points at `<publicUrl>/vote`
   * (needed when the kiosk itself is opened on localhost).
   */
  readonly publicUrl?: string;
  /** The hub's clock (epoch ms) when it answered: pages show countdowns in hub time (shared/countdown.ts). */
  readonly serverTime?: number;
}

/** Checks the untrusted JSON; throws an Error naming the bad field. */
export function parseBrowserConfig(value: unknown): BrowserConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('/config.json is not an object');
  const o = value as Record<string, unknown>;
  const optionalText = (name: string): string | undefined => {
    const v = o[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new Error(`/config.json: ${name} must be text`);
    return v;
  };
  const wsUrl = o.wsUrl ?? null;
  if (wsUrl !== null && (typeof wsUrl !== 'string' || !/^wss?:\/\//.test(wsUrl))) {
    throw new Error('/config.json: wsUrl must be null or start with ws:// or wss://');
  }
  if (typeof o.prefix !== 'string') throw new Error('/config.json: prefix must be text');
  assertPrefix(o.prefix);
  const voteTopic = optionalText('voteTopic') ?? null;
  const breadTopic = optionalText('breadTopic') ?? 'pain/cuisson';
  if (/[+#]/.test(breadTopic) || (voteTopic !== null && /[+#]/.test(voteTopic))) {
    throw new Error('/config.json: topics must not contain wildcards');
  }
  const publicUrl = optionalText('publicUrl');
  const username = optionalText('username');
  const password = optionalText('password');
  const serverTime = typeof o.serverTime === 'number' && Number.isFinite(o.serverTime) ? o.serverTime : undefined;
  return {
    wsUrl,
    prefix: o.prefix,
    voteTopic: voteTopic === '' ? null : voteTopic,
    breadTopic,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(publicUrl && /^https?:\/\//.test(publicUrl) ? { publicUrl } : {}),
    ...(serverTime === undefined ? {} : { serverTime }),
  };
}
