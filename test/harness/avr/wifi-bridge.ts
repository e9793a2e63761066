import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import type { SimulatedSerialPort } from './serial-link.js';
import type { SimulatedUno } from './simulated-uno.js';

/**
 * The simulated Uno as a Wi-Fi board (StandardFirmataWiFi on an ESP, or an Uno
 * behind a Wi-Fi shield) is reached: a TCP server on 127.0.0.1 in front of its
 * serial link, one client at a time, as the firmware's WiFiServerStream serves one.
 *
 * The firmware runs whether or not a client is connected: what it sends with no
 * client (its boot announcement, pin reports) goes nowhere, as on the real board,
 * and is counted in `droppedFromBoard`.
 *
 * Wi-Fi out, two ways (`drop()`):
 * - 'close': the board's side resets the connection (the agent's socket closes at
 *   once, as when the board reboots and its stack answers RST);
 * - 'blackhole': nothing arrives either way and nobody is told; the agent's socket
 *   stays open. When Wi-Fi comes back (`restore()`) the board has forgotten that
 *   connection: the agent's next bytes on it get a reset (a board that rejoined
 *   the network answers RST to a connection it does not know).
 * While down, new connections are refused (the listener is closed).
 */
export class WifiBridge {
  /** Connections accepted while up. */
  connections = 0;
  /** Bytes the firmware sent that reached no client (no client, or the link down). */
  droppedFromBoard = 0;
  /** Every byte the agent sent that reached the firmware, in order. */
  readonly fromHost: number[] = [];
  private server: Server | null = null;
  private client: Socket | null = null;
  /** The connection the board forgot in a blackhole drop; reset on its next bytes. */
  private forgotten: Socket | null = null;
  /** It sent bytes while the link was down: TCP retransmits them once Wi-Fi is back. */
  private forgottenSent = false;
  private up = true;
  private portNumber = 0;
  private serial: SimulatedSerialPort | null = null;

  constructor(private readonly uno: SimulatedUno) {}

  get port(): number {
    return this.portNumber;
  }

  /** A client is connected and the link is up. */
  get connected(): boolean {
    return this.up && this.client !== null && !this.client.destroyed;
  }

  async start(): Promise<this> {
    const serial = this.uno.openSerial();
    this.serial = serial;
    serial.on('data', (bytes: Buffer) => {
      if (this.connected) this.client?.write(bytes);
      else this.droppedFromBoard += bytes.length;
    });
    await this.listen(0);
    return this;
  }

  /** Wi-Fi out. */
  async drop(mode: 'close' | 'blackhole'): Promise<void> {
    this.up = false;
    const client = this.client;
    this.client = null;
    if (client !== null) {
      if (mode === 'close') client.resetAndDestroy();
      else {
        this.forgotten = client;
        this.forgottenSent = false;
      }
    }
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  /** Wi-Fi back, on the same address and port. */
  async restore(): Promise<void> {
    this.up = true;
    if (this.forgotten !== null && this.forgottenSent) this.forgotten.resetAndDestroy();
    await this.listen(this.portNumber);
  }

  async stop(): Promise<void> {
    this.up = false;
    this.client?.destroy();
    this.forgotten?.destroy();
    this.serial?.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private listen(port: number): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.portNumber = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined);
    if (!this.up) {
      socket.resetAndDestroy();
      return;
    }
    // One client at a time: a new connection replaces the old one.
    this.client?.destroy();
    this.client = socket;
    this.connections += 1;
    socket.setNoDelay(true);
    socket.on('data', (bytes: Buffer) => {
      if (socket === this.forgotten) {
        if (this.up) socket.resetAndDestroy();
        else this.forgottenSent = true;
        return;
      }
      if (socket !== this.client || !this.up) return;
      this.fromHost.push(...bytes);
      this.serial?.write(bytes);
    });
    socket.on('close', () => {
      if (this.client === socket) this.client = null;
    });
  }

  /** How many SET_PIN_MODE (0xF4) commands for `pin` reached the firmware. */
  pinModeCommands(pin: number): number {
    let n = 0;
    for (let i = 0; i + 1 < this.fromHost.length; i += 1) if (this.fromHost[i] === 0xf4 && this.fromHost[i + 1] === pin) n += 1;
    return n;
  }
}
