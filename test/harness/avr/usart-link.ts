import type { Atmega328p } from './atmega328p.js';
import { type SerialWire, SimulatedSerialPort } from './serial-link.js';

/**
 * The board's side of the USB serial link: bytes from the host queued for the
 * USART one at a time, bytes the firmware transmits gathered per time slice and
 * handed to the open port in one chunk (as a USB-serial adapter hands them over in
 * USB frames).
 */
export class UsartLink implements SerialWire {
  private port: SimulatedSerialPort | null = null;
  private rxQueue: number[] = [];
  private txChunk: number[] = [];

  /** `mcu()` is the current chip (a reset makes a new one). */
  constructor(
    private readonly mcu: () => Atmega328p,
    private readonly path: string,
  ) {}

  /** Opens the host end; a previous one is closed first. */
  open(): SimulatedSerialPort {
    if (this.port !== null) this.port.close();
    this.rxQueue = [];
    this.port = new SimulatedSerialPort(this, this.path);
    return this.port;
  }

  /** The board goes away: the host end sees what serialport reports for a pulled cable. */
  unplug(): void {
    this.port?.unplug();
    this.port = null;
  }

  /** A reset: what was in flight either way is lost. */
  clear(): void {
    this.rxQueue = [];
    this.txChunk = [];
  }

  /** Wired to the chip's USART: one byte the firmware transmitted. */
  transmitted(byte: number): void {
    this.txChunk.push(byte);
  }

  /** Wired to the chip's USART: the receiver is free for the next byte. */
  feedRx(): void {
    const { usart } = this.mcu();
    if (this.rxQueue.length === 0 || usart.rxBusy || !usart.rxEnable) return;
    const byte = this.rxQueue.shift() as number;
    usart.writeByte(byte);
  }

  /** End of a time slice: the bytes the firmware sent during it go to the host at once. */
  flush(): void {
    if (this.txChunk.length === 0) return;
    const chunk = Buffer.from(this.txChunk);
    this.txChunk = [];
    this.port?.deliver(chunk);
  }

  // ---- SerialWire: called by the SimulatedSerialPort -------------------------

  send(bytes: Uint8Array): void {
    // Bytes sent while the firmware's receiver is off (in reset, before
    // Serial.begin) are lost, as on the real wire.
    if (!this.mcu().usart.rxEnable) return;
    for (const byte of bytes) this.rxQueue.push(byte);
    this.feedRx();
  }

  detach(port: SimulatedSerialPort): void {
    if (this.port === port) {
      this.port = null;
      this.rxQueue = [];
    }
  }
}
