/**
 * The page's side of the raw vote counting (course mode): starts the worker that
 * holds the raw topic's connection and counts (web/lib/raw-worker.ts), keeps the
 * latest counts it posted and its connection state, and tells it when they were
 * drawn. The page's main thread then gets one message per drawing, not one per vote.
 */
import type { BrokerUrls } from '../../shared/broker-urls.js';
import type { PollOption } from '../../shared/poll.js';
import type { LinkState, MqttLink } from './connection.js';
import type { FromRawWorker, ToRawWorker } from './raw-messages.js';
import { RawCounter, type RawSource } from './raw-votes.js';
import { browserScheduler } from './scheduler.js';

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
  /** The page's own link: it counts there if the browser cannot start the worker. */
  link: MqttLink;
  /** The state or the counts changed: draw again. */
  onChange(): void;
}

/**
 * Counts on the page's own connection and thread, as before the worker: for a
 * browser without module workers (Firefox before 114), or if the worker failed.
 */
function countOnPage(source: RawSource, options: RawCountingOptions, link: MqttLink): RawCounting {
  const counter = new RawCounter(source);
  link.subscribe([source.topic]);
  link.onMessage((topic, payload) => {
    if (topic !== source.topic) return;
    counter.take(payload, browserScheduler.now());
    options.onChange();
  });
  return {
    source,
    get state() {
      return link.state;
    },
    get view() {
      const { poll, counts, rejected } = counter.state;
      return { options: poll.options, counts, rejected };
    },
    drawn: () => undefined,
  };
}

export function countRawVotes(source: RawSource, options: RawCountingOptions): RawCounting {
  let worker: Worker;
  try {
    worker = new Worker(options.workerUrl, { type: 'module', name: 'raw-votes' });
  } catch {
    return countOnPage(source, options, options.link);
  }
  // The script did not load or run (an error before its first word): count on the
  // page instead. A later error leaves the worker running, and its counts.
  let fallback: RawCounting | null = null;
  let heard = false;
  worker.onerror = () => {
    if (fallback !== null || heard) return;
    worker.terminate();
    fallback = countOnPage(source, options, options.link);
    options.onChange();
  };
  const send = (message: ToRawWorker) => worker.postMessage(message);
  let state: LinkState = 'connecting';
  let view: RawView = { options: (source.options ?? []).map((id) => ({ id, label: id })), counts: Object.create(null) as Record<string, number>, rejected: 0 };
  let undrawn = false;
  worker.onmessage = (event: MessageEvent<FromRawWorker>) => {
    heard = true;
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
      return fallback?.state ?? state;
    },
    get view() {
      return fallback?.view ?? view;
    },
    drawn() {
      if (!undrawn || fallback !== null) return;
      undrawn = false;
      send({ type: 'drawn' });
    },
  };
}
