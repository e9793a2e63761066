import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';

const REPORT_VERSION = 0xf9;
const START_SYSEX = 0xf0;
const END_SYSEX = 0xf7;
const QUERY_FIRMWARE = 0x79;
const CAPABILITY_QUERY = 0x6b;
const CAPABILITY_RESPONSE = 0x6c;
const ANALOG_MAPPING_QUERY = 0x69;
const ANALOG_MAPPING_RESPONSE = 0x6a;
const DIGITAL_MESSAGE = 0x90;
const MODES = { INPUT: 0x00, OUTPUT: 0x01, PULLUP: 0x0b };

/**
 * A board running StandardFirmataWiFi, as far as the handshake and digital pins go:
 * a TCP server that speaks Firmata bytes, so the test drives the real firmata-io
 * and etherport-client, not a mock of them.
 */
export class FakeFirmataWifi {
  readonly received: number[] = [];
  connections = 0;
  private server: Server | null = null;
  private socket: Socket | null = null;
  private ports = new Array<number>(4).fill(0xff);

  constructor(
    private readonly options: { pins: number; silent?: boolean; /** false: StandardFirmata 2.4, no PULLUP mode. */ pullup?: boolean } = { pins: 20 },
  ) {}

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  async start(): Promise<this> {
    this.server = createServer((socket) => {
      this.connections += 1;
      this.socket = socket;
      socket.on('data', (data) => this.onData(data));
      socket.on('error', () => undefined);
      if (this.options.silent) return;
      // What the firmware sends when a client connects: version, then firmware name.
      this.announce();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** What the firmware sends at start-up: its version, then its name (again after a reset). */
  announce(): void {
    this.socket?.write(Buffer.from([REPORT_VERSION, 2, 6]));
    this.socket?.write(Buffer.from([START_SYSEX, QUERY_FIRMWARE, 2, 6, ...[...'Fake'].flatMap((c) => [c.charCodeAt(0), 0]), END_SYSEX]));
  }

  /** How many times the client set this pin's mode. */
  modeChanges(pin: number): number {
    let n = 0;
    for (let i = 0; i + 1 < this.received.length; i += 1) if (this.received[i] === 0xf4 && this.received[i + 1] === pin) n += 1;
    return n;
  }

  /** True once the client closed its socket. */
  get clientGone(): boolean {
    return this.socket === null || this.socket.destroyed || this.socket.readableEnded;
  }

  /** The pin changes level; the board reports its whole port, as Firmata does. */
  setPin(pin: number, value: 0 | 1): void {
    const port = pin >> 3;
    const bit = 1 << (pin & 7);
    const current = this.ports[port] ?? 0;
    const next = value === 1 ? current | bit : current & ~bit;
    this.ports[port] = next;
    this.socket?.write(Buffer.from([DIGITAL_MESSAGE | port, next & 0x7f, (next >> 7) & 0x7f]));
  }

  /** The pin modes the client set (SET_PIN_MODE 0xF4 pin mode). */
  pinModes(): Map<number, string> {
    const modes = new Map<number, string>();
    for (let i = 0; i + 2 < this.received.length; i += 1) {
      if (this.received[i] !== 0xf4) continue;
      const mode = this.received[i + 2];
      modes.set(this.received[i + 1] as number, Object.entries(MODES).find(([, v]) => v === mode)?.[0] ?? String(mode));
    }
    return modes;
  }

  async stop(): Promise<void> {
    this.socket?.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private onData(data: Buffer): void {
    this.received.push(...data);
    for (let i = 0; i + 2 < data.length; i += 1) {
      if (data[i] !== START_SYSEX || data[i + 2] !== END_SYSEX) continue;
      if (data[i + 1] === CAPABILITY_QUERY) {
        const modes = this.options.pullup === false ? [MODES.INPUT, 1, MODES.OUTPUT, 1] : [MODES.INPUT, 1, MODES.OUTPUT, 1, MODES.PULLUP, 1];
        const pins = Array.from({ length: this.options.pins }, () => [...modes, 0x7f]).flat();
        this.socket?.write(Buffer.from([START_SYSEX, CAPABILITY_RESPONSE, ...pins, END_SYSEX]));
      }
      if (data[i + 1] === ANALOG_MAPPING_QUERY) {
        this.socket?.write(Buffer.from([START_SYSEX, ANALOG_MAPPING_RESPONSE, ...new Array<number>(this.options.pins).fill(0x7f), END_SYSEX]));
      }
    }
  }
}
