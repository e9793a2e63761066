import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FlakyProxy, seededRandom } from './flaky-proxy.js';

/** A TCP server that records everything it receives per connection. */
async function recorder(): Promise<{ server: Server; port: number; received: Buffer[] }> {
  const received: Buffer[] = [];
  const server = createServer((socket) => {
    const index = received.push(Buffer.alloc(0)) - 1;
    socket.on('data', (chunk) => {
      received[index] = Buffer.concat([received[index] ?? Buffer.alloc(0), chunk]);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, received };
}

async function send(port: number, chunks: Buffer[]): Promise<void> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  for (const chunk of chunks) {
    socket.write(chunk);
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 100));
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
    await send(proxy.port, chunks);
    expect(target.received[0]?.toString()).toBe(Buffer.concat(chunks).toString());
  });

  it('cuts a chunk in the middle and drops the connection', async () => {
    const target = await recorder();
    const proxy = new FlakyProxy({ targetPort: target.port, seed: 7, cutChance: 1 });
    await proxy.start();
    cleanup.push(() => proxy.stop(), () => new Promise((r) => target.server.close(() => r())));
    const chunk = Buffer.alloc(1000, 0x61);
    await send(proxy.port, [chunk, chunk]);
    expect(proxy.stats.cuts).toBe(1);
    expect(target.received[0]?.length ?? 0).toBeLessThan(chunk.length);
  });

  it('drops connections after a random time, and stops doing so once healed', async () => {
    const target = await recorder();
    const proxy = new FlakyProxy({ targetPort: target.port, seed: 3, dropAfterMs: [10, 30] });
    await proxy.start();
    cleanup.push(() => proxy.stop(), () => new Promise((r) => target.server.close(() => r())));
    await send(proxy.port, [Buffer.from('a')]);
    expect(proxy.stats.drops).toBe(1);
    proxy.heal();
    await send(proxy.port, [Buffer.from('b')]);
    expect(proxy.stats.drops).toBe(1);
    expect(target.received[1]?.toString()).toBe('b');
  });
});
