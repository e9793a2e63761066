/**
 * The kiosk's raw vote counting (course mode, web/lib/raw-votes.ts) in a dedicated
 * worker: its own MQTT-over-WebSocket connection, subscribed to the raw topic only,
 * so each WebSocket message event, the packet parsing, each PUBACK and each vote's
 * decoding run off the page's main thread. At 10,000 votes/s they kept that thread
 * busy enough to drop the kiosk to 12-30 fps (docs/performance.md, "Issue 17 round 3").
 * The counts go to the page at most once per drawing: after one post the next waits
 * for the page's 'drawn', however many votes arrive meanwhile.
 * The worker is the kiosk's own script started again (web/pages/kiosk-entry.ts).
 */
import type { Scheduler } from '../../shared/scheduler.js';
import { type MqttLink, openLink } from './connection.js';
import type { FromRawWorker, ToRawWorker } from './raw-messages.js';
import { RawCounter } from './raw-votes.js';
import { browserScheduler } from './scheduler.js';

/** The little of DedicatedWorkerGlobalScope used here (the project's lib is the DOM's). */
export interface RawWorkerScope {
  postMessage(message: FromRawWorker): void;
  onmessage: ((event: MessageEvent<ToRawWorker>) => void) | null;
}

/** Answers the page's messages on `scope`; the link's timers and the votes' time run on `scheduler`. */
export function serveRawCounting(scope: RawWorkerScope, scheduler: Scheduler = browserScheduler): void {
  let link: MqttLink | null = null;
  let counter: RawCounter | null = null;
  /** Votes arrived since the last post. */
  let dirty = false;
  /** A post the page has not drawn yet. */
  let awaitingDraw = false;

  const post = () => {
    if (counter === null || !dirty || awaitingDraw) return;
    dirty = false;
    awaitingDraw = true;
    const { poll, counts, rejected } = counter.state;
    scope.postMessage({ type: 'counts', options: poll.options, counts: poll.options.map((option) => counts[option.id] ?? 0), rejected });
  };

  const start = (message: Extract<ToRawWorker, { type: 'start' }>) => {
    if (link !== null) return;
    const { source } = message;
    const raw = new RawCounter(source);
    counter = raw;
    link = openLink({
      urls: message.urls,
      clientIdPrefix: 'web-kiosk-raw',
      scheduler,
      ...(message.username ? { username: message.username } : {}),
      ...(message.password ? { password: message.password } : {}),
    });
    link.onState((state) => scope.postMessage({ type: 'state', state }));
    link.onMessage((topic, payload) => {
      if (topic !== source.topic) return;
      raw.take(payload, scheduler.now());
      dirty = true;
      post();
    });
    link.subscribe([source.topic]);
  };

  scope.onmessage = (event) => {
    const message = event.data;
    if (message.type === 'start') start(message);
    else if (message.type === 'drawn') {
      awaitingDraw = false;
      post();
    } else if (message.type === 'wake') link?.wake();
  };
}
