import type { Duplex } from 'node:stream';
import { type WebSocket, createWebSocketStream } from 'ws';

/**
 * A WebSocket as the duplex stream aedes reads and writes, sending what one
 * event-loop tick wrote as ONE WebSocket frame.
 *
 * mqtt-packet writes each packet in pieces (fixed header, length, topic,
 * message id, payload) between `cork()` and an `uncork()` on the next tick; on a
 * TCP socket that is one `writev`. ws' own stream has only `_write`, so each
 * piece went out as its own frame and its own socket write: a CONNACK was 4
 * frames, a receipt's PUBLISH 6, and at 5,000 phones the embedded hub spent half
 * of the burst in `writev` (docs/performance.md, "Issue 17 round 3"). With
 * `_writev` the corked pieces leave together. MQTT over WebSocket allows it: a
 * frame may hold several control packets or part of one (MQTT 3.1.1 §6), and
 * every client here (MQTT.js, the pages' mqtt-packet session) parses a stream.
 */
export function mqttWebSocketStream(websocket: WebSocket): Duplex {
  const stream = createWebSocketStream(websocket);
  stream._writev = (chunks, callback) => {
    const buffers = chunks.map(({ chunk, encoding }) => (Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding)));
    // ws' _write (which ignores the encoding of a Buffer) waits for the socket to open, then sends one binary frame.
    stream._write(buffers.length === 1 ? buffers[0] : Buffer.concat(buffers), 'binary', callback);
  };
  return stream;
}
