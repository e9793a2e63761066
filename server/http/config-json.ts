import type { ServerEnv } from '../../runtime/env.js';
import type { BrowserConfig } from '../../shared/browser-config.js';
import { lanAddress } from '../../runtime/network.js';
import type { Topics } from '../../shared/topics.js';

/** What `/config.json` tells the pages: the shape is shared/browser-config.ts. */
export function browserConfig(config: ServerEnv, topics: Topics, lan: () => string | null = lanAddress): BrowserConfig {
  const publicUrl = config.publicUrl ?? defaultPublicUrl(config, lan);
  return {
    // One URL stays a string, the shape pages before failover read.
    wsUrl: config.mqttWsUrls === null ? null : config.mqttWsUrls.length === 1 ? config.mqttWsUrls[0] : config.mqttWsUrls,
    prefix: topics.prefix,
    voteTopic: config.voteTopic,
    breadTopic: topics.bread,
    ...(config.browserUsername === null ? {} : { username: config.browserUsername }),
    ...(config.browserPassword === null ? {} : { password: config.browserPassword }),
    ...(publicUrl === null ? {} : { publicUrl }),
  };
}

/**
 * A kiosk opened at http://localhost on the Pi would show a QR code of localhost,
 * which no phone can open: default to the LAN address when listening on every
 * address of a known port.
 */
function defaultPublicUrl(config: ServerEnv, lan: () => string | null): string | null {
  if (config.httpPort === 0 || !(config.httpHost === '0.0.0.0' || config.httpHost === '::')) return null;
  const address = lan();
  return address === null ? null : `http://${address}:${config.httpPort}`;
}
