/**
 * `/config.json`, what the server tells every page (docs/architecture.md). Nothing
 * secret. The server builds it (server/http/config-json.ts); the pages read it back
 * with parseBrowserConfig (web/lib/config.ts).
 */
import { type BrokerUrls, brokerUrlsProblem } from './broker-urls.js';
import { assertPrefix } from './topics.js';

const WS_URL = /^wss?:\/\/[^/\s]+/;

function parseWsUrl(value: unknown): string | BrokerUrls | null {
  if (value === null) return null;
  if (typeof value === 'string') {
    if (!WS_URL.test(value)) throw new Error('/config.json: wsUrl must be null or start with ws:// or wss://');
    return value;
  }
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new Error('/config.json: wsUrl must be null, a ws:// URL or a list of them');
  }
  const problem = brokerUrlsProblem(value, WS_URL, 'ws://host:9001/mqtt');
  if (problem !== null) throw new Error(`/config.json: wsUrl ${problem}`);
  return value as unknown as BrokerUrls;
}

/** The WebSocket URLs a config names, in the order a page tries them; null: the page's own host. */
export function configuredWsUrls(config: Pick<BrowserConfig, 'wsUrl'>): BrokerUrls | null {
  if (config.wsUrl === null) return null;
  return typeof config.wsUrl === 'string' ? [config.wsUrl] : config.wsUrl;
}

export interface BrowserConfig {
  /**
   * null: same host as the page, path /mqtt, ws: or wss: following the page. A
   * list names the nodes of a clustered broker, tried in order (failover); one
   * URL is sent as a plain string, the shape older pages read.
   */
  readonly wsUrl: string | BrokerUrls | null;
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
  const wsUrl = parseWsUrl(o.wsUrl ?? null);
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
