/**
 * What every page does first: read /config.json (retrying while the server is
 * unreachable), then open the MQTT connection it describes.
 */
import type { BrowserConfig } from '../../shared/browser-config.js';
import { clockOffset } from '../../shared/countdown.js';
import { type Topics, createTopics } from '../../shared/topics.js';
import { fetchConfig, resolveWsUrls } from './config.js';
import { type MqttLink, openLink, reconnectDelay } from './connection.js';
import { browserScheduler } from './scheduler.js';
import type { PageState } from './status.js';

export interface PageContext {
  readonly config: BrowserConfig;
  readonly topics: Topics;
  readonly link: MqttLink;
  /** The hub's clock minus this device's (ms), for countdowns; 0 when the hub did not say. */
  readonly clockOffsetMs: number;
}

export async function startPage(name: string, onState: (state: PageState) => void): Promise<PageContext> {
  let config: BrowserConfig | null = null;
  let clockOffsetMs = 0;
  for (let attempt = 0; config === null; attempt += 1) {
    try {
      const sentAt = browserScheduler.now();
      config = await fetchConfig();
      if (config.serverTime !== undefined) clockOffsetMs = clockOffset(config.serverTime, sentAt, browserScheduler.now());
    } catch {
      onState('no-config');
      await new Promise<void>((resolve) => browserScheduler.setTimer(resolve, reconnectDelay(attempt)));
    }
  }
  onState('connecting');
  const topics = createTopics({ prefix: config.prefix, bread: config.breadTopic });
  const link = openLink({
    urls: resolveWsUrls(config, location.href),
    clientIdPrefix: `web-${name}`,
    ...(config.username ? { username: config.username } : {}),
    ...(config.password ? { password: config.password } : {}),
  });
  link.onState(onState);
  return { config, topics, link, clockOffsetMs };
}
