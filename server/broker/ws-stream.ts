import type { Duplex } from 'node:stream';
import { type WebSocket, createWebSocketStream } from 'ws';

/**
 * The duplex aedes talks to for one WebSocket client, sending what is written in
 * one turn as one WebSocket message. `ws`'s own stream sends every write as its own
 * message, and mqtt-packet writes a PUBLISH in several pieces (header, topic,
 * message id, payload): a page got ~6 WebSocket messages per vote, each an event
 * on its thread (docs/performance.md, "Issue 17 round 3"). mqtt-packet corks the
 * stream for the rest of the turn; with `_writev` the pieces of every packet of
 * the turn leave together. MQTT over WebSocket allows any number of packets, or
 * parts, per message, so a client parses the same bytes.
 */
export function mqttWebSocketStream(websocket: WebSocket): Duplex {
  const stream = createWebSocketStream(websocket);
  stream._writev = (chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void) => {
    const data = chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map(({ chunk }) => chunk));
    websocket.send(data, callback);
  };
  return stream;
}
