/**
 * What every page does first: read /config.json (retrying while the server is
 * unreachable), then open the MQTT connection it describes.
 */
import type { BrowserConfig } from '../../shared/browser-config.js';
import { type Topics, createTopics } from '../../shared/topics.js';
import { fetchConfig, resolveWsUrls } from './config.js';
import { type MqttLink, openLink, reconnectDelay } from './connection.js';
import type { PageState } from './status.js';

export interface PageContext {
  readonly config: BrowserConfig;
  readonly topics: Topics;
  readonly link: MqttLink;
}

export async function startPage(name: string, onState: (state: PageState) => void): Promise<PageContext> {
  let config: BrowserConfig | null = null;
  for (let attempt = 0; config === null; attempt += 1) {
    try {
      config = await fetchConfig();
    } catch {
      onState('no-config');
      await new Promise((resolve) => setTimeout(resolve, reconnectDelay(attempt)));
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
  return { config, topics, link };
}
