import type { Server } from 'node:net';
import { PortInUseError } from './errors/port-in-use-error.js';

export interface ListenOptions {
  port: number;
  host: string;
  /** What the port is for, in the words of the setting that chooses it (`HTTP_PORT`, `MQTT_PORT`). */
  what: string;
}

/**
 * Starts `server` listening (an HTTP server is a net server too). A port already
 * taken becomes a `PortInUseError` that says how to find the culprit; any other
 * error is passed on as it is.
 */
export function listen(server: Server, options: ListenOptions): Promise<void> {
  const { port, host, what } = options;
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(what, port, { cause: error }) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
