import type { Packet } from 'mqtt-packet';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openLink } from '../../web/lib/connection.js';
import { openSession } from '../../web/lib/mqtt-session.js';
import { FakeWebSocket } from '../harness/fake-websocket.js';
import { ManualScheduler } from '../harness/manual-scheduler.js';

/**
 * The pages' MQTT timers (connect timeout, keepalive pings, reconnect backoff) run
 * on the Scheduler they are given, so a ManualScheduler moves them: no wall clock,
 * no fake timers. The WebSocket is a fake that records the packets the page sends.
 */
beforeEach(() => {
  FakeWebSocket.reset();
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.stubGlobal('addEventListener', () => undefined);
  vi.stubGlobal('document', { addEventListener: () => undefined, visibilityState: 'visible' });
});
afterEach(() => vi.unstubAllGlobals());

const lastSocket = () => FakeWebSocket.last();

describe('the pages MQTT session on an injected scheduler', () => {
  it('gives up on an attempt with no CONNACK after connectTimeoutMs of scheduler time', () => {
    const scheduler = new ManualScheduler();
    const closed = vi.fn();
    openSession({ url: 'ws://x', clientId: 'c', keepaliveS: 30, connectTimeoutMs: 8_000, scheduler }, { onConnect: () => undefined, onClose: closed, onMessage: () => undefined });
    scheduler.advance(7_999);
    expect(closed).not.toHaveBeenCalled();
    scheduler.advance(1);
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it('pings every keepalive and ends the session when a ping is still unanswered at the next', () => {
    const scheduler = new ManualScheduler();
    const closed = vi.fn();
    openSession({ url: 'ws://x', clientId: 'c', keepaliveS: 30, connectTimeoutMs: 8_000, scheduler }, { onConnect: () => undefined, onClose: closed, onMessage: () => undefined });
    const socket = lastSocket();
    socket.accept();
    const pings = () => socket.sent.filter((p) => p.cmd === 'pingreq').length;
    scheduler.advance(30_000);
    expect(pings()).toBe(1);
    socket.deliver({ cmd: 'pingresp' });
    scheduler.advance(30_000);
    expect(pings()).toBe(2);
    expect(closed).not.toHaveBeenCalled();
    // No PINGRESP this time: the next tick ends the session.
    scheduler.advance(30_000);
    expect(closed).toHaveBeenCalledTimes(1);
  });
});

describe('the pages MQTT link on an injected scheduler', () => {
  it('reconnects on its backoff in scheduler time, to the next URL', () => {
    const scheduler = new ManualScheduler();
    const link = openLink({ urls: ['ws://a', 'ws://b'], clientIdPrefix: 'vote', scheduler });
    expect(FakeWebSocket.instances.map((s) => s.url)).toEqual(['ws://a']);
    lastSocket().onclose?.();
    expect(link.state).toBe('connecting');
    expect(FakeWebSocket.instances).toHaveLength(1);
    // The first step is half a second with jitter: 8 s of scheduler time covers any draw.
    scheduler.advance(8_000);
    expect(FakeWebSocket.instances.map((s) => s.url)).toEqual(['ws://a', 'ws://b']);
    lastSocket().accept();
    expect(link.state).toBe('connected');
  });
});

describe('the pages MQTT session acknowledging what arrives', () => {
  it('sends the PUBACKs of the publishes of one WebSocket message as one message', () => {
    const scheduler = new ManualScheduler();
    const got: string[] = [];
    openSession({ url: 'ws://x', clientId: 'c', keepaliveS: 30, connectTimeoutMs: 8_000, scheduler }, { onConnect: () => undefined, onClose: () => undefined, onMessage: (_t, payload) => got.push(Buffer.from(payload).toString()) });
    const socket = lastSocket();
    socket.accept();
    const before = socket.sends;
    const publish = (messageId: number): Packet => ({ cmd: 'publish', topic: 'test/phone', payload: `IFT${messageId}`, qos: 1, messageId, retain: false, dup: false });
    socket.deliver(publish(1), publish(2), publish(3));
    expect(got).toEqual(['IFT1', 'IFT2', 'IFT3']);
    expect(socket.sent.filter((p) => p.cmd === 'puback').map((p) => (p as { messageId: number }).messageId)).toEqual([1, 2, 3]);
    expect(socket.sends - before).toBe(1);
    // A lone publish: its PUBACK alone.
    socket.deliver(publish(4));
    expect(socket.sends - before).toBe(2);
  });
});

describe('the pages MQTT link in a worker (no document)', () => {
  it('opens without a document, and wake() retries at once instead of waiting out the backoff', () => {
    vi.stubGlobal('document', undefined);
    const scheduler = new ManualScheduler();
    const link = openLink({ urls: ['ws://a'], clientIdPrefix: 'kiosk-raw', scheduler });
    lastSocket().onclose?.();
    expect(FakeWebSocket.instances).toHaveLength(1);
    link.wake();
    expect(FakeWebSocket.instances).toHaveLength(2);
    lastSocket().accept();
    expect(link.state).toBe('connected');
  });
});
