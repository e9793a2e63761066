/**
 * The raw-vote worker's rule (web/lib/raw-worker.ts), without a browser: it counts
 * every vote, and posts the counts to the page at most once per drawing, whatever
 * the number of votes in between. The WebSocket is a fake playing the broker.
 */
import type { Packet } from 'mqtt-packet';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FromRawWorker, ToRawWorker } from '../../web/lib/raw-messages.js';
import { serveRawCounting } from '../../web/lib/raw-worker.js';
import { FakeWebSocket } from '../harness/fake-websocket.js';
import { ManualScheduler } from '../harness/manual-scheduler.js';

beforeEach(() => {
  FakeWebSocket.reset();
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.stubGlobal('addEventListener', () => undefined);
  vi.stubGlobal('document', undefined);
});
afterEach(() => vi.unstubAllGlobals());

function worker() {
  const posted: FromRawWorker[] = [];
  const scope = { postMessage: (message: FromRawWorker) => posted.push(message), onmessage: null as ((event: MessageEvent<ToRawWorker>) => void) | null };
  serveRawCounting(scope, new ManualScheduler());
  const tell = (message: ToRawWorker) => scope.onmessage?.({ data: message } as MessageEvent<ToRawWorker>);
  const counts = () => posted.filter((m): m is Extract<FromRawWorker, { type: 'counts' }> => m.type === 'counts');
  return { posted, tell, counts };
}

let nextId = 1;
const vote = (option: string): Packet => ({ cmd: 'publish', topic: 'test/phone', payload: option, qos: 1, messageId: nextId++, retain: false, dup: false });

describe('the raw-vote worker', () => {
  it('connects, subscribes to the raw topic only, and says so', () => {
    const { posted, tell } = worker();
    tell({ type: 'start', urls: ['ws://broker/mqtt'], source: { topic: 'test/phone', options: ['A', 'B'] } });
    const socket = FakeWebSocket.last();
    socket.accept();
    expect(socket.sent.find((p) => p.cmd === 'subscribe')).toMatchObject({ subscriptions: [{ topic: 'test/phone', qos: 1 }] });
    expect(posted).toEqual([{ type: 'state', state: 'connected' }]);
  });

  it('posts once, then waits for the page to draw it, however many votes come in between; nothing new, nothing posted', () => {
    const { tell, counts } = worker();
    tell({ type: 'start', urls: ['ws://broker/mqtt'], source: { topic: 'test/phone', options: ['A', 'B'] } });
    const socket = FakeWebSocket.last();
    socket.accept();

    socket.deliver(vote('A'));
    expect(counts()).toEqual([{ type: 'counts', options: [{ id: 'A', label: 'A' }, { id: 'B', label: 'B' }], counts: [1, 0], rejected: 0 }]);
    // 500 more votes (and one not an option), in 50 WebSocket messages: no post until drawn.
    for (let i = 0; i < 50; i += 1) socket.deliver(...Array.from({ length: 10 }, (_, j) => vote(i === 0 && j === 0 ? 'Z' : (i + j) % 2 ? 'B' : 'A')));
    expect(counts()).toHaveLength(1);
    tell({ type: 'drawn' });
    expect(counts()).toHaveLength(2);
    expect(counts()[1]).toMatchObject({ counts: [250, 250], rejected: 1 });
    // Drawn again with nothing new: nothing to post.
    tell({ type: 'drawn' });
    expect(counts()).toHaveLength(2);
    socket.deliver(vote('B'));
    expect(counts()).toHaveLength(3);
    expect(counts()[2]).toMatchObject({ counts: [250, 251], rejected: 1 });
  });
});
