/**
 * A browser WebSocket played by the test as the broker, for the pages' MQTT code run
 * in Node (web/lib/mqtt-session.ts, connection.ts, raw-worker.ts): it records every
 * packet the page sends and delivers the packets the test gives it, each call one
 * WebSocket message. Install it with `vi.stubGlobal('WebSocket', FakeWebSocket)`.
 */
import { generate, parser, type Packet } from 'mqtt-packet';

export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  /** Every socket made since the last `reset()`, oldest first. */
  static readonly instances: FakeWebSocket[] = [];
  readyState = FakeWebSocket.CONNECTING;
  binaryType = 'blob';
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  readonly sent: Packet[] = [];
  /** WebSocket messages sent (each may hold several packets). */
  sends = 0;
  private readonly packets = parser({ protocolVersion: 4 });

  static reset(): void {
    FakeWebSocket.instances.length = 0;
  }

  static last(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (socket === undefined) throw new Error('no WebSocket was opened');
    return socket;
  }

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
    this.packets.on('packet', (p: Packet) => this.sent.push(p));
  }

  send(data: Uint8Array): void {
    this.sends += 1;
    this.packets.parse(Buffer.from(data));
  }

  close(): void {
    this.readyState = 3;
  }

  /** The broker side: the socket opens, then CONNACK 0. */
  accept(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.();
    this.deliver({ cmd: 'connack', returnCode: 0, sessionPresent: false });
  }

  /** One WebSocket message from the broker holding these packets. */
  deliver(...packets: Packet[]): void {
    const bytes = Buffer.concat(packets.map((packet) => generate(packet)));
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
  }
}
