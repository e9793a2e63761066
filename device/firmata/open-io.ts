import type { BoardConfig } from '../config.js';
import type { FirmataIo, FirmataTransport, OpenedIo } from './types.js';

/** EtherPortClient's internals we touch: it has no close(), only a reconnect loop. */
interface EtherPortClient extends FirmataTransport {
  _reconnectTimeoutSecs: number;
  _reconnectTimer: NodeJS.Timeout | null;
  _tcp: { destroy(): void };
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
    // It retries on its own every reconnectTimeout seconds, also after a Wi-Fi drop.
    const transport = new EtherPortClient({ host: board.transport.host, port: board.transport.port, reconnectTimeout: 5 });
    const io = new Firmata(transport);
    return { io, where, close: async () => closeEtherPort(transport, io) };
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
  if (transport._reconnectTimer !== null) clearTimeout(transport._reconnectTimer);
  transport._reconnectTimer = null;
  transport._tcp.destroy();
}

function stopHandshake(io: FirmataIo): void {
  if (io.reportVersionTimeoutId !== undefined) clearTimeout(io.reportVersionTimeoutId);
}
