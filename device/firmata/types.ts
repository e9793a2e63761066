import type { EventEmitter } from 'node:events';

/** The part of a Firmata IO object (firmata-io, mock-firmata) the agent uses. */
export interface FirmataIo extends EventEmitter {
  readonly MODES: { readonly INPUT: number; readonly OUTPUT: number; readonly PULLUP?: number };
  readonly HIGH: number;
  readonly LOW: number;
  readonly isReady: boolean;
  readonly pins: readonly { readonly supportedModes: readonly number[] }[];
  readonly analogPins: readonly number[];
  pinMode(pin: number, mode: number): void;
  digitalRead(pin: number, callback: (value: number) => void): void;
  digitalWrite(pin: number, value: number): void;
  reportDigitalPin?(pin: number, value: 0 | 1): void;
  reportAnalogPin?(channel: number, value: 0 | 1): void;
  /** REPORT_VERSION: the answer is a 'reportversion' event. */
  reportVersion?(callback: () => void): void;
  /** QUERY_FIRMWARE: the answer is a 'queryfirmware' event. */
  queryFirmware?(callback: () => void): void;
  /** firmata-io's parse buffer (bytes of a message not complete yet). */
  buffer?: number[];
  /** firmata-io's handshake retry timer, cleared when we give up on a board. */
  reportVersionTimeoutId?: NodeJS.Timeout;
}

/** A johnny-five Board. */
export interface FiveBoard extends EventEmitter {
  readonly io: FirmataIo;
  readonly isReady: boolean;
  /** johnny-five's own handshake timer. */
  timer?: NodeJS.Timeout | null;
}

export interface FiveThermometerData {
  readonly celsius: number;
}

/** A johnny-five Thermometer. */
export interface FiveThermometer extends EventEmitter {
  disable(): unknown;
}

/** What we use of the johnny-five module. */
export interface FiveModule {
  Board: new (options: Record<string, unknown>) => FiveBoard;
  Thermometer: new (options: Record<string, unknown>) => FiveThermometer;
}

/** A transport handed to firmata-io: a SerialPort or an EtherPortClient. */
export interface FirmataTransport extends EventEmitter {
  write(data: Buffer | number[], callback?: () => void): unknown;
}

/** An open IO object with what it takes to close it again. */
export interface OpenedIo {
  readonly io: FirmataIo;
  /** For messages: `192.168.1.50:3030` or `/dev/ttyACM0`. */
  readonly where: string;
  close(): Promise<void>;
  /** Over TCP: drops the connection so that the transport reconnects (see wifi-link.ts). */
  dropConnection?(): void;
}
