import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { SimulatedSerialPort } from '../../harness/avr/serial-link.js';

/*
 * johnny-five and firmata-io ship no TypeScript types. Rather than an ambient
 * `declare module` (which would clash with the device agent's own declarations),
 * these tests load them with require() and give them the few members they use.
 */

export interface FirmataIo extends EventEmitter {
  isReady: boolean;
  MODES: { INPUT: number; OUTPUT: number; PULLUP: number };
  firmware: { name?: string; version?: { major: number; minor: number } };
  version: { major?: number; minor?: number };
  pins: { supportedModes: number[]; analogChannel: number }[];
  analogPins: number[];
  transport: SimulatedSerialPort;
  pinMode(pin: number, mode: number): void;
  digitalWrite(pin: number, value: 0 | 1): void;
  digitalRead(pin: number, callback: (value: number) => void): void;
  queryPinState(pin: number, callback: () => void): void;
  queryFirmware(callback: () => void): void;
  reset(): void;
}

export interface FirmataOptions {
  reportVersionTimeout?: number;
  skipCapabilities?: boolean;
}

export interface J5Board extends EventEmitter {
  isReady: boolean;
  io: FirmataIo;
}

export interface J5Button extends EventEmitter {
  readonly isDown: boolean;
  holdtime: number;
}

export interface J5Led {
  on(): void;
  off(): void;
  readonly isOn: boolean;
}

interface JohnnyFive {
  Board: new (options: { io: FirmataIo; repl: boolean; debug: boolean; sigint: boolean; timeout?: number }) => J5Board;
  Button: new (options: { pin: number; board: J5Board; isPullup?: boolean; holdtime?: number }) => J5Button;
  Led: new (options: { pin: number; board: J5Board }) => J5Led;
}

const require = createRequire(import.meta.url);
export const five = require('johnny-five') as JohnnyFive;
export const Firmata = (require('firmata-io') as { Firmata: new (port: SimulatedSerialPort, options?: FirmataOptions) => FirmataIo })
  .Firmata;

/** Resolves with the event's first argument, or rejects after `timeoutMs`. */
export function once<T = unknown>(emitter: EventEmitter, event: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`no '${event}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const onEvent = (value: T) => {
      clearTimeout(timer);
      resolve(value);
    };
    emitter.once(event, onEvent);
  });
}

/** Records every emission of `events`, in order, with the wall time. */
export function record(emitter: EventEmitter, events: string[]): { type: string; at: number }[] {
  const log: { type: string; at: number }[] = [];
  for (const type of events) emitter.on(type, () => log.push({ type, at: performance.now() }));
  return log;
}
