/**
 * `/config.json` from the page's side: fetched and checked (the shape and its
 * checks live in shared/browser-config.ts). `wsUrl` null means this page's host at
 * path `/mqtt`, ws: or wss: like the page.
 */
import type { BrokerUrls } from '../../shared/broker-urls.js';
import { type BrowserConfig, configuredWsUrls, parseBrowserConfig } from '../../shared/browser-config.js';

/** The WebSocket URLs to try, in order, from a page at `pageUrl` (several: the nodes of a cluster). */
export function resolveWsUrls(config: BrowserConfig, pageUrl: string): BrokerUrls {
  const configured = configuredWsUrls(config);
  if (configured !== null) return configured;
  const page = new URL(pageUrl);
  return [`${page.protocol === 'https:' ? 'wss:' : 'ws:'}//${page.host}/mqtt`];
}

export async function fetchConfig(): Promise<BrowserConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  return parseBrowserConfig(await response.json());
}
