/**
 * What the kiosk page and its raw-vote worker (web/lib/raw-worker.ts) say to each
 * other through postMessage: structured-cloneable data only.
 */
import type { BrokerUrls } from '../../shared/broker-urls.js';
import type { PollOption } from '../../shared/poll.js';
import type { LinkState } from './connection.js';
import type { RawSource } from './raw-votes.js';

/** Page -> worker. */
export type ToRawWorker =
  /** Once: the broker to reach (the page's own config) and what to count. */
  | { type: 'start'; urls: BrokerUrls; username?: string; password?: string; source: RawSource }
  /** The page drew the last counts it got: the worker may post the next ones. */
  | { type: 'drawn' }
  /** The tab is visible again or back online: retry now instead of waiting out the backoff. */
  | { type: 'wake' };

/** The counts so far; `counts[i]` is the count of `options[i]`. */
export interface RawCounts {
  readonly options: readonly PollOption[];
  readonly counts: readonly number[];
  readonly rejected: number;
}

/** Worker -> page. */
export type FromRawWorker = { type: 'state'; state: LinkState } | ({ type: 'counts' } & RawCounts);
