/**
 * `/config.json` from the page's side: fetched and checked (the shape and its
 * checks live in shared/browser-config.ts). `wsUrl` null means this page's host at
 * path `/mqtt`, ws: or wss: like the page.
 */
import { type BrowserConfig, parseBrowserConfig } from '../../shared/browser-config.js';

/** The WebSocket URL to use from a page at `pageUrl`. */
export function resolveWsUrl(config: BrowserConfig, pageUrl: string): string {
  if (config.wsUrl !== null) return config.wsUrl;
  const page = new URL(pageUrl);
  return `${page.protocol === 'https:' ? 'wss:' : 'ws:'}//${page.host}/mqtt`;
}

export async function fetchConfig(): Promise<BrowserConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  return parseBrowserConfig(await response.json());
}
