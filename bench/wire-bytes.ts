import { closeClient, connectClient } from '../test/harness/mqtt.js';
import type { Socket } from 'node:net';

export interface WireResult {
  /** Bytes the publisher wrote per message (MQTT frames: PUBLISH, and for QoS 1 nothing else). */
  sentPerMessage: number;
  /** Bytes the publisher read per message (PUBACK for QoS 1). */
  readPerMessage: number;
  /** With TCP/IPv4 headers (20 + 20 + 12 bytes of timestamp option) for each segment, one segment each way. */
  withTcpPerMessage: number;
}

const TCP_IP_OVERHEAD = 52;

/**
 * Measures bytes on the socket (not a model): publishes `count` messages one at a
 * time, waiting for each acknowledgement, so every message is its own TCP segment,
 * as with a button pressed now and then on a classroom Wi-Fi.
 */
export async function bytesPerMessage(
  url: string,
  topic: string,
  payload: () => string,
  qos: 0 | 1,
  retain: boolean,
  count = 200,
): Promise<WireResult> {
  const client = await connectClient(url, { clean: true });
  const socket = client.stream as unknown as Socket;
  try {
    const written0 = socket.bytesWritten;
    const read0 = socket.bytesRead;
    for (let i = 0; i < count; i += 1) await client.publishAsync(topic, payload(), { qos, retain });
    if (qos === 0) await new Promise((r) => setTimeout(r, 50));
    const sent = (socket.bytesWritten - written0) / count;
    const read = (socket.bytesRead - read0) / count;
    const segments = qos === 1 ? 2 : 1;
    return { sentPerMessage: sent, readPerMessage: read, withTcpPerMessage: sent + read + segments * TCP_IP_OVERHEAD };
  } finally {
    await closeClient(client);
  }
}
