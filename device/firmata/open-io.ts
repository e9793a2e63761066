import type { BoardConfig } from '../config.js';
import type { FirmataIo, FirmataTransport, OpenedIo } from './types.js';

/** EtherPortClient's internals we touch: it has no close(), only a reconnect loop. */
interface EtherPortClient extends FirmataTransport {
  _reconnectTimeoutSecs: number;
  _reconnectTimer: NodeJS.Timeout | null;
  _tcp: { destroy(): void };
  /** The connected socket, null while connecting or waiting to reconnect. */
  _socket: object | null;
  _reconnect(): void;
}

interface SerialPortLike extends FirmataTransport {
  readonly isOpen: boolean;
  close(callback?: (error?: Error | null) => void): void;
}

export function whereIs(board: BoardConfig): string {
  return board.transport.kind === 'tcp' ? `${board.transport.host}:${board.transport.port}` : board.transport.path;
}

/**
 * Opens the Firmata IO of one board, loading only what its transport needs:
 * over TCP, etherport-client (pure JavaScript, so no serialport build on a Pi
 * that only talks to ESP32 boards); over USB, serialport.
 */
export async function openFirmataIo(board: BoardConfig): Promise<OpenedIo> {
  const firmataModule = (await import('firmata-io')) as { default?: { Firmata: unknown }; Firmata?: unknown };
  const Firmata = (firmataModule.default?.Firmata ?? firmataModule.Firmata) as new (transport: FirmataTransport, options?: object) => FirmataIo;
  const where = whereIs(board);
  if (board.transport.kind === 'tcp') {
    const { EtherPortClient } = (await import('etherport-client')) as { EtherPortClient: new (options: object) => EtherPortClient };
    // It retries on its own every reconnectTimeout seconds once a socket closed; it
    // never notices a Wi-Fi drop by itself (wifi-link.ts does, with its heartbeat).
    const reconnectTimeout = Math.max(0.1, board.transport.heartbeatMs / 1000);
    const transport = new EtherPortClient({ host: board.transport.host, port: board.transport.port, reconnectTimeout });
    const io = new Firmata(transport);
    // A Wi-Fi board booted long before the agent connects and says nothing when a
    // client connects: its version report is long gone. Ask at once, as firmata-io
    // would only after its 5 s reportVersionTimeout (longer than a short timeoutMs).
    transport.once('open', () => {
      io.reportVersion?.(() => undefined);
      io.queryFirmware?.(() => undefined);
    });
    return { io, where, close: async () => closeEtherPort(transport, io), dropConnection: () => dropEtherPort(transport) };
  }
  const { SerialPort } = (await import('serialport')) as unknown as { SerialPort: new (options: object) => SerialPortLike };
  const transport = new SerialPort({ path: board.transport.path, baudRate: board.transport.baudRate });
  const io = new Firmata(transport);
  return {
    io,
    where,
    close: () =>
      new Promise<void>((resolve) => {
        stopHandshake(io);
        if (!transport.isOpen) resolve();
        else transport.close(() => resolve());
      }),
  };
}

/** Stops the reconnect loop and closes the socket (etherport-client has no close of its own). */
export function closeEtherPort(transport: EtherPortClient, io: FirmataIo): void {
  stopHandshake(io);
  transport._reconnectTimeoutSecs = 0;
  // eslint-disable-next-line no-restricted-globals -- a timer the library started with the host's setTimeout
  if (transport._reconnectTimer !== null) clearTimeout(transport._reconnectTimer);
  transport._reconnectTimer = null;
  transport._tcp.destroy();
}

/**
 * Drops the socket so that etherport-client reconnects. Its close handler only
 * reconnects a socket that was connected; one still connecting is restarted here.
 */
function dropEtherPort(transport: EtherPortClient): void {
  const wasConnected = transport._socket !== null;
  transport._tcp.destroy();
  if (!wasConnected) transport._reconnect();
}

function stopHandshake(io: FirmataIo): void {
  // eslint-disable-next-line no-restricted-globals -- a timer the library started with the host's setTimeout
  if (io.reportVersionTimeoutId !== undefined) clearTimeout(io.reportVersionTimeoutId);
}
