/**
 * `/config.json`, what the server tells every page (docs/architecture.md):
 * `{ wsUrl: string|null, prefix, voteTopic: string|null, breadTopic, username?, password? }`.
 * `wsUrl` null means this page's host at path `/mqtt`, ws: or wss: like the page.
 */
import { assertPrefix } from '../../shared/topics.js';

export interface ClientConfig {
  readonly wsUrl: string | null;
  readonly prefix: string;
  readonly voteTopic: string | null;
  readonly breadTopic: string;
  readonly username?: string;
  readonly password?: string;
  /**
   * Optional: the address phones should use for the vote page (the kiosk's QR code),
   * when the kiosk itself is opened on localhost.
   */
  readonly publicUrl?: string;
}

/** Checks the untrusted JSON; throws an Error naming the bad field. */
export function parseConfig(value: unknown): ClientConfig {
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
  return {
    wsUrl,
    prefix: o.prefix,
    voteTopic: voteTopic === '' ? null : voteTopic,
    breadTopic,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(publicUrl && /^https?:\/\//.test(publicUrl) ? { publicUrl } : {}),
  };
}

/** The WebSocket URL to use from a page at `pageUrl`. */
export function resolveWsUrl(config: ClientConfig, pageUrl: string): string {
  if (config.wsUrl !== null) return config.wsUrl;
  const page = new URL(pageUrl);
  return `${page.protocol === 'https:' ? 'wss:' : 'ws:'}//${page.host}/mqtt`;
}

export async function fetchConfig(): Promise<ClientConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  return parseConfig(await response.json());
}
