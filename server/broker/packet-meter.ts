/**
 * Reads the fixed header of every MQTT packet a client sends (one type byte, then
 * the remaining length in 1 to 4 bytes) and skips the rest, without copying. aedes
 * has no maximum packet size: its parser (mqtt-packet) buffers a whole packet
 * before looking at it, so one 20 MB PUBLISH costs 20 MB, and a retained one is
 * sent again to every new subscriber. The meter sees a packet's size in its first
 * bytes and lets the broker close the connection before the rest arrives, as
 * Mosquitto does with `max_packet_size`.
 */
export interface PacketMeterOptions {
  /** The largest whole packet (header included) a client may send, in bytes. */
  maxPacketBytes: number;
}

export type MeterVerdict = { ok: true } | { ok: false; packetBytes: number };

export class PacketMeter {
  /** Packets whose header was read, CONNECT included. */
  packets = 0;
  /** Where in a packet the next byte is: header, length bytes, or body. */
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private lengthBytes = 0;
  private bodyLeft = 0;

  constructor(private readonly options: PacketMeterOptions) {}

  /** Feeds the next bytes the client sent; `ok: false` once a packet is too large. */
  feed(chunk: Uint8Array): MeterVerdict {
    let at = 0;
    while (at < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.bodyLeft, chunk.length - at);
        this.bodyLeft -= take;
        at += take;
        if (this.bodyLeft === 0) this.state = 'type';
        continue;
      }
      const byte = chunk[at] as number;
      at += 1;
      if (this.state === 'type') {
        this.packets += 1;
        this.state = 'length';
        this.length = 0;
        this.lengthBytes = 0;
        continue;
      }
      // Variable byte integer (MQTT 3.1.1 §2.2.3): 7 bits per byte, low bits first.
      this.length += (byte & 0x7f) * 128 ** this.lengthBytes;
      this.lengthBytes += 1;
      if ((byte & 0x80) !== 0 && this.lengthBytes < 4) continue;
      const packetBytes = 1 + this.lengthBytes + this.length;
      if (packetBytes > this.options.maxPacketBytes) return { ok: false, packetBytes };
      this.bodyLeft = this.length;
      this.state = this.length === 0 ? 'type' : 'body';
    }
    return { ok: true };
  }
}
