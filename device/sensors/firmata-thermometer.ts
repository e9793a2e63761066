import type { Clock } from '../../runtime/clock.js';
import { SensorFaultError } from '../errors/sensor-fault-error.js';
import type { BoardRegistry } from '../firmata/boards.js';
import type { FiveThermometer, FiveThermometerData } from '../firmata/types.js';
import type { TemperatureSensor } from './sensor.js';

export interface FirmataThermometerContext {
  readonly boards: Pick<BoardRegistry, 'get'>;
  readonly clock: Clock;
  readonly board: string;
  /** johnny-five controller: TMP36, LM35, ANALOG or DS18B20 (ConfigurableFirmata with OneWire). */
  readonly controller: string;
  readonly pin: number | string;
  readonly aref?: number;
  readonly freqMs: number;
}

/**
 * A thermometer on a Firmata board through johnny-five's Thermometer, which pushes
 * readings every `freqMs`; `read()` returns the latest one, and a fault when none
 * came for a while (board gone, sensor unplugged).
 */
export class FirmataThermometer implements TemperatureSensor {
  readonly name: string;
  private thermometer: FiveThermometer | null = null;
  private latest: { celsius: number; at: number } | null = null;
  private lastError: string | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: FirmataThermometerContext) {
    this.name = `${options.controller} on board ${options.board} pin ${options.pin}`;
  }

  async start(): Promise<void> {
    const { board, five, io, onRestart } = await this.options.boards.get(this.options.board);
    const thermometer = new five.Thermometer({
      board,
      controller: this.options.controller,
      pin: this.options.pin,
      freq: this.options.freqMs,
      ...(this.options.aref === undefined ? {} : { aref: this.options.aref }),
    });
    thermometer.on('data', (data: FiveThermometerData) => {
      this.latest = { celsius: data.celsius, at: this.options.clock.now() };
      this.lastError = null;
    });
    thermometer.on('error', (error: unknown) => {
      this.lastError = error instanceof Error ? error.message : String(error);
    });
    this.thermometer = thermometer;
    if (this.options.controller !== 'DS18B20') {
      // A reset board stops reporting the analog pin johnny-five asked for once.
      const { pin } = this.options;
      const channel = typeof pin === 'string' ? Number(pin.slice(1)) : pin;
      this.unsubscribe = onRestart(() => io.reportAnalogPin?.(channel, 1));
    }
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.thermometer?.disable();
    this.thermometer?.removeAllListeners();
    this.thermometer = null;
  }

  async read(): Promise<number> {
    if (this.lastError !== null) throw new SensorFaultError(this.name, `${this.lastError}: check the wiring and the firmware`);
    const latest = this.latest;
    if (latest === null) throw new SensorFaultError(this.name, 'no reading yet: check the wiring and that the pin is right');
    const age = this.options.clock.now() - latest.at;
    if (age > Math.max(10 * this.options.freqMs, 5_000)) {
      throw new SensorFaultError(this.name, `no reading for ${Math.round(age / 1000)} s: is the board still connected?`);
    }
    if (!Number.isFinite(latest.celsius)) throw new SensorFaultError(this.name, 'the reading is not a number: check the controller type');
    return latest.celsius;
  }
}
