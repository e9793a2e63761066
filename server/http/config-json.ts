import type { EnvConfig } from '../../runtime/env.js';
import type { Topics } from '../../shared/topics.js';

/** What `/config.json` tells the pages (docs/architecture.md). Nothing secret. */
export interface BrowserConfig {
  /** null: same host as the page, path /mqtt, ws: or wss: following the page. */
  readonly wsUrl: string | null;
  readonly prefix: string;
  readonly voteTopic: string | null;
  readonly breadTopic: string;
  /** The low-privilege voter account of the secure profile, when configured. */
  readonly username?: string;
  readonly password?: string;
}

export function browserConfig(config: EnvConfig, topics: Topics): BrowserConfig {
  return {
    wsUrl: config.mqttWsUrl,
    prefix: topics.prefix,
    voteTopic: config.voteTopic,
    breadTopic: topics.bread,
    ...(config.browserUsername === null ? {} : { username: config.browserUsername }),
    ...(config.browserPassword === null ? {} : { password: config.browserPassword }),
  };
}
