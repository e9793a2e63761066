/**
 * The page's side of the raw vote counting (course mode): starts the worker that
 * holds the raw topic's connection and counts (web/lib/raw-worker.ts), keeps the
 * latest counts it posted and its connection state, and tells it when they were
 * drawn. The page's main thread then gets one message per drawing, not one per vote.
 */
import type { BrokerUrls } from '../../shared/broker-urls.js';
import type { PollOption } from '../../shared/poll.js';
import type { LinkState } from './connection.js';
import type { FromRawWorker, ToRawWorker } from './raw-messages.js';
import type { RawSource } from './raw-votes.js';

export interface RawView {
  readonly options: readonly PollOption[];
  /** option id -> count (null prototype: ids come from the network). */
  readonly counts: Readonly<Record<string, number>>;
  readonly rejected: number;
}

export interface RawCounting {
  readonly source: RawSource;
  /** The raw connection's state (the page's badge shows the worse of it and the page's own). */
  readonly state: LinkState;
  /** The latest counts from the worker. */
  readonly view: RawView;
  /** Call when drawing: the worker may then post newer counts. */
  drawn(): void;
}

export interface RawCountingOptions {
  /** The worker's script: the kiosk's own bundle (web/pages/kiosk-entry.ts). */
  workerUrl: URL;
  urls: BrokerUrls;
  username?: string;
  password?: string;
  /** The state or the counts changed: draw again. */
  onChange(): void;
}

export function countRawVotes(source: RawSource, options: RawCountingOptions): RawCounting {
  const worker = new Worker(options.workerUrl, { type: 'module', name: 'raw-votes' });
  const send = (message: ToRawWorker) => worker.postMessage(message);
  let state: LinkState = 'connecting';
  let view: RawView = { options: (source.options ?? []).map((id) => ({ id, label: id })), counts: Object.create(null) as Record<string, number>, rejected: 0 };
  let undrawn = false;
  worker.onmessage = (event: MessageEvent<FromRawWorker>) => {
    const message = event.data;
    if (message.type === 'state') state = message.state;
    else {
      const counts = Object.create(null) as Record<string, number>;
      message.options.forEach((option, i) => (counts[option.id] = message.counts[i] ?? 0));
      view = { options: message.options, counts, rejected: message.rejected };
      undrawn = true;
    }
    options.onChange();
  };
  send({
    type: 'start',
    urls: options.urls,
    source,
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
  });
  // A worker has no document: the page tells it when retrying now is worth it (connection.ts does the same for the page's link).
  const wake = () => send({ type: 'wake' });
  addEventListener('online', wake);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') wake();
  });
  return {
    source,
    get state() {
      return state;
    },
    get view() {
      return view;
    },
    drawn() {
      if (!undrawn) return;
      undrawn = false;
      send({ type: 'drawn' });
    },
  };
}
