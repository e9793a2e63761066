import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../harness/wait.js';
import { FlakyProxy, seededRandom } from './flaky-proxy.js';

/** A TCP server that records everything it receives per connection. */
async function recorder(): Promise<{ server: Server; port: number; received: Buffer[]; closed: boolean[] }> {
  const received: Buffer[] = [];
  const closed: boolean[] = [];
  const server = createServer((socket) => {
    const index = received.push(Buffer.alloc(0)) - 1;
    closed[index] = false;
    socket.on('close', () => (closed[index] = true));
    socket.on('data', (chunk) => {
      received[index] = Buffer.concat([received[index] ?? Buffer.alloc(0), chunk]);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, received, closed };
}

/**
 * Sends the chunks one at a time, each once the proxy passed the one before on
 * (so each is a chunk of its own at the proxy, with its own delay or cut), then
 * keeps the connection until `done()` holds.
 */
async function send(proxy: FlakyProxy, chunks: Buffer[], done: () => boolean): Promise<void> {
  const socket = connect({ port: proxy.port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  let sent = proxy.stats.bytes;
  for (const chunk of chunks) {
    if (socket.destroyed || proxy.stats.cuts > 0) break;
    socket.write(chunk);
    sent += chunk.length;
    await until(() => proxy.stats.bytes >= sent || proxy.stats.cuts > 0 || socket.destroyed || socket.readableEnded, 'the proxy to pass the chunk on', { interval: 2 });
  }
  await until(done, 'what the connection was for', { interval: 2 });
  socket.destroy();
}

describe('FlakyProxy', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0)) await fn();
  });

  it('replays the same sequence for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
  });

  it('forwards bytes in order despite random delays', async () => {
    const target = await recorder();
    const proxy = new FlakyProxy({ targetPort: target.port, seed: 1, delayMs: [0, 20] });
    await proxy.start();
    cleanup.push(() => proxy.stop(), () => new Promise((r) => target.server.close(() => r())));
    const chunks = Array.from({ length: 20 }, (_, i) => Buffer.from(`chunk-${i};`));
    await send(proxy, chunks, () => target.received[0]?.length === Buffer.concat(chunks).length);
    expect(target.received[0]?.toString()).toBe(Buffer.concat(chunks).toString());
  });

  it('cuts a chunk in the middle and drops the connection', async () => {
    const target = await recorder();
    const proxy = new FlakyProxy({ targetPort: target.port, seed: 7, cutChance: 1 });
    await proxy.start();
    cleanup.push(() => proxy.stop(), () => new Promise((r) => target.server.close(() => r())));
    const chunk = Buffer.alloc(1000, 0x61);
    // Until the proxy dropped the link: nothing more can reach the target after it.
    await send(proxy, [chunk, chunk], () => target.closed[0] === true);
    expect(proxy.stats.cuts).toBe(1);
    expect(target.received[0]?.length ?? 0).toBeLessThan(chunk.length);
  });

  it('drops connections after a random time, and stops doing so once healed', async () => {
    const target = await recorder();
    const proxy = new FlakyProxy({ targetPort: target.port, seed: 3, dropAfterMs: [10, 30] });
    await proxy.start();
    cleanup.push(() => proxy.stop(), () => new Promise((r) => target.server.close(() => r())));
    await send(proxy, [Buffer.from('a')], () => proxy.stats.drops === 1);
    expect(proxy.stats.drops).toBe(1);
    proxy.heal();
    // Until the second connection's drop timer ran and spared it.
    await send(proxy, [Buffer.from('b')], () => target.received[1]?.toString() === 'b' && proxy.stats.spared === 1);
    expect(proxy.stats.drops).toBe(1);
    expect(target.received[1]?.toString()).toBe('b');
  });
});
