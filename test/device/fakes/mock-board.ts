import { createRequire } from 'node:module';
import type { FirmataIo } from '../../../device/firmata/types.js';

const require = createRequire(import.meta.url);

export interface MockIo extends FirmataIo {
  modes: Map<number, number>;
  writes: { pin: number; value: number }[];
  /** The board reports a digital value, as firmata-io does on a DIGITAL_MESSAGE. */
  report(pin: number, value: number): void;
  /** The board reports an analog channel, as firmata-io does on an ANALOG_MESSAGE. */
  reportAnalog(channel: number, value: number): void;
  analogRead(channel: number, callback: (value: number) => void): void;
}

/**
 * mock-firmata's board, completed where it only logs: `digitalRead` adds a
 * `digital-read-<pin>` listener as firmata-io does, `pinMode`/`digitalWrite` are
 * recorded. `ready()` plays the board's handshake for johnny-five.
 */
export function createMockIo(): { io: MockIo; ready(): void } {
  const { Firmata } = require('mock-firmata') as { Firmata: new () => MockIo };
  const io = new Firmata();
  io.modes = new Map();
  io.writes = [];
  io.pinMode = (pin: number, mode: number) => void io.modes.set(pin, mode);
  io.digitalWrite = (pin: number, value: number) => void io.writes.push({ pin, value });
  io.digitalRead = (pin: number, callback: (value: number) => void) => void io.on(`digital-read-${pin}`, callback);
  io.report = (pin: number, value: number) => void io.emit(`digital-read-${pin}`, value);
  io.analogRead = (channel: number, callback: (value: number) => void) => void io.on(`analog-read-${channel}`, callback);
  io.reportAnalog = (channel: number, value: number) => void io.emit(`analog-read-${channel}`, value);
  return {
    io,
    ready: () => {
      io.emit('connect');
      io.emit('ready');
    },
  };
}
