/**
 * A broker address list: `MQTT_URL` (server, agent, chat) and `/config.json`'s
 * `wsUrl` (pages) may name several nodes of one clustered broker (SPEC §9). A
 * client tries them in order and moves to the next one whenever a connection
 * ends or fails, with the usual backoff (shared/backoff.ts) between attempts:
 * every node is the same broker, so any of them will do.
 */

/** At least one URL. */
export type BrokerUrls = readonly [string, ...string[]];

/** Enough to keep a typo from becoming a thousand-entry list. */
export const MAX_BROKER_URLS = 16;

/** `mqtt://a:1883, mqtt://b:1883` -> the URLs, in order, without blanks. */
export function splitBrokerUrls(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/**
 * What is wrong with a list of URLs that `pattern` checks one by one, or null.
 * The message names the bad entry, so a teacher sees which one to fix.
 */
export function brokerUrlsProblem(urls: readonly string[], pattern: RegExp, example: string): string | null {
  if (urls.length === 0) return `needs at least one URL, like ${example}`;
  if (urls.length > MAX_BROKER_URLS) return `names ${urls.length} URLs; at most ${MAX_BROKER_URLS}`;
  const bad = urls.find((url) => !pattern.test(url));
  if (bad !== undefined) return `${JSON.stringify(bad)} must look like ${example}`;
  if (new Set(urls).size !== urls.length) return 'names the same URL twice';
  return null;
}

/** The index of the URL to try after `index` (round robin). */
export function nextBrokerIndex(index: number, count: number): number {
  return count <= 1 ? 0 : (index + 1) % count;
}
