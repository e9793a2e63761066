import { EventEmitter } from 'node:events';

/** What the simulated board offers the host side of its USB serial link. */
export interface SerialWire {
  /** Bytes from the host, queued for the MCU's USART receiver. */
  send(bytes: Uint8Array): void;
  /** The host closed the port. */
  detach(port: SimulatedSerialPort): void;
}

export class PortNotOpenError extends Error {
  override readonly name = 'PortNotOpenError';
  constructor(path: string) {
    super(`${path} is not open`);
  }
}

/**
 * The host end of the simulated Uno's USB serial link, shaped like a node
 * `serialport` instance as far as firmata-io looks: `on('open'|'data'|'close'|'error')`,
 * `write(buffer, callback)`, `close()`. Like `new SerialPort({ autoOpen: true })` it
 * opens by itself on the next tick, after the caller (e.g. `new Firmata(port)`)
 * had a chance to attach its listeners.
 */
export class SimulatedSerialPort extends EventEmitter {
  readonly path: string;
  readonly baudRate = 57_600;
  private state: 'opening' | 'open' | 'closed' = 'opening';

  constructor(
    private readonly wire: SerialWire,
    path: string,
  ) {
    super();
    this.path = path;
    process.nextTick(() => {
      if (this.state !== 'opening') return;
      this.state = 'open';
      this.emit('open');
    });
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  write(data: Uint8Array | number[] | string, callback?: (error?: Error | null) => void): boolean {
    if (this.state === 'closed') {
      const error = new PortNotOpenError(this.path);
      process.nextTick(() => (callback ? callback(error) : this.emit('error', error)));
      return false;
    }
    const bytes = typeof data === 'string' ? Buffer.from(data, 'binary') : Uint8Array.from(data);
    this.wire.send(bytes);
    // serialport calls back once the bytes are handed to the OS, not when the far
    // end read them: the same here, they are queued for the USART.
    process.nextTick(() => callback?.(null));
    return true;
  }

  /** Same signature as serialport's: the board stays powered, this end just goes away. */
  close(callback?: (error?: Error | null) => void): void {
    if (this.state === 'closed') {
      process.nextTick(() => callback?.(new PortNotOpenError(this.path)));
      return;
    }
    this.state = 'closed';
    this.wire.detach(this);
    process.nextTick(() => {
      this.emit('close');
      callback?.(null);
    });
  }

  /** Called by the board: bytes the firmware transmitted during one time slice. */
  deliver(bytes: Buffer): void {
    if (this.state === 'open') this.emit('data', bytes);
  }

  /**
   * Called by the board when it goes away (stop()): what serialport reports when
   * the USB cable is pulled, `close` with `disconnected: true`.
   */
  unplug(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const event = Object.assign(new Error(`${this.path} disconnected`), { disconnected: true, disconnect: true });
    process.nextTick(() => this.emit('close', event));
  }
}
