/**
 * The pages' MQTT codec is mqtt-packet bundled over web/shims/* (a small Buffer,
 * EventEmitter and BufferList without streams). Here that bundle, loaded in Node,
 * must produce the same bytes as mqtt-packet over Node's own Buffer for every packet
 * a page sends, and parse what a broker sends the same way, even split across
 * WebSocket frames.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import * as native from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs of the build, no types
import { substitutes } from '../../web/shims/substitutes.mjs';

type Codec = Pick<typeof native, 'generate' | 'parser'>;

const big = 'é'.repeat(9_000); // 18,000 bytes: a three-byte remaining length
const PACKETS: native.Packet[] = [
  { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'web-vote-abc', keepalive: 30 },
  { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'web-vote-abc', keepalive: 30, username: 'voter', password: 'pässword' as unknown as Buffer },
  { cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'classroom/polls/+', qos: 1 }, { topic: 'classroom/receipts/élève', qos: 1 }] },
  { cmd: 'publish', topic: 'classroom/votes/cours', payload: '{"id":"v1","option":"A"}', qos: 1, retain: false, dup: false, messageId: 65_535 },
  { cmd: 'publish', topic: 'classroom/chat/général', payload: big, qos: 0, retain: false, dup: false },
  { cmd: 'publish', topic: 'pain/cuisson', payload: 'x'.repeat(200), qos: 1, retain: true, dup: false, messageId: 300 },
  { cmd: 'puback', messageId: 1 },
  { cmd: 'pingreq' },
];
const FROM_BROKER: native.Packet[] = [
  { cmd: 'connack', returnCode: 0, sessionPresent: false },
  { cmd: 'connack', returnCode: 5, sessionPresent: false },
  { cmd: 'suback', messageId: 7, granted: [1, 128] },
  { cmd: 'publish', topic: 'classroom/tally/cours', payload: Buffer.from(big), qos: 1, retain: true, dup: false, messageId: 2 },
  { cmd: 'publish', topic: 'classroom/receipts/élève', payload: Buffer.from('{"id":"v1"}'), qos: 0, retain: false, dup: false },
  { cmd: 'puback', messageId: 65_535 },
  { cmd: 'pingresp' },
];

let dir = '';
let shimmed: Codec;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mqtt-codec-'));
  const file = join(dir, 'codec.mjs');
  await build({
    stdin: { contents: "export { generate, parser } from 'mqtt-packet';", resolveDir: process.cwd(), loader: 'js' },
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    plugins: [substitutes],
    logLevel: 'error',
  });
  shimmed = (await import(pathToFileURL(file).href)) as Codec;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Parses `bytes` fed in pieces of `step` bytes (WebSocket frames need not align). */
function parseAll(codec: Codec, bytes: Uint8Array, step: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const p = codec.parser({ protocolVersion: 4 });
  p.on('packet', (packet: native.Packet) => {
    const { payload, ...rest } = packet as unknown as Record<string, unknown>;
    out.push({ ...rest, ...(payload === undefined || payload === null ? {} : { payload: Buffer.from(payload as Uint8Array).toString('hex') }) });
  });
  p.on('error', (error: Error) => out.push({ error: error.message }));
  for (let at = 0; at < bytes.length; at += step) p.parse(bytes.subarray(at, at + step) as Buffer);
  return out;
}

describe("the pages' MQTT codec (mqtt-packet over web/shims)", () => {
  it.each(PACKETS.map((packet) => [packet.cmd, packet] as const))('encodes %s exactly as over Node', (_cmd, packet) => {
    expect(Buffer.from(shimmed.generate(packet)).toString('hex')).toBe(native.generate(packet).toString('hex'));
  });

  it.each([1, 3, 1_000, 100_000])('parses what a broker sends, fed %i bytes at a time, as over Node', (step) => {
    const stream = Buffer.concat(FROM_BROKER.map((packet) => native.generate(packet)));
    const got = parseAll(shimmed, new Uint8Array(stream), step);
    expect(got).toEqual(parseAll(native, stream, stream.length));
    expect(got).toHaveLength(FROM_BROKER.length);
  });

  it('reports broken bytes as an error instead of a packet', () => {
    expect(parseAll(shimmed, new Uint8Array([0x00, 0x00]), 2)).toEqual([{ error: expect.any(String) }]);
  });
});
