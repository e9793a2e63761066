import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SensorFaultError } from '../errors/sensor-fault-error.js';
import type { TemperatureSensor } from './sensor.js';

export const DEFAULT_W1_ROOT = '/sys/bus/w1/devices';

/** The value a DS18B20 holds before its first conversion: a reading of it is a fault. */
export const POWER_ON_MILLIDEGREES = 85_000;

const ENABLE_1WIRE =
  'Enable 1-wire with "dtoverlay=w1-gpio" in /boot/firmware/config.txt (data on BCM 4) and reboot, ' +
  'and check the wiring: data to BCM 4 with a 4.7 kΩ pull-up to 3.3 V, GND, and 3.3 V on VDD.';

export type W1Reading = { readonly ok: true; readonly celsius: number } | { readonly ok: false; readonly problem: string };

/**
 * Parses the kernel's `w1_slave` file:
 *
 *     72 01 4b 46 7f ff 0e 10 57 : crc=57 YES
 *     72 01 4b 46 7f ff 0e 10 57 t=23125
 *
 * The first line must end in YES (the scratchpad's CRC matched), `t=` is in
 * thousandths of a degree. 85000 is the power-on value (no conversion happened),
 * and all-zero bytes mean the probe dropped off the bus mid-read.
 */
export function parseW1Slave(text: string): W1Reading {
  const [crcLine, dataLine] = text.trim().split('\n');
  if (crcLine === undefined || dataLine === undefined) return { ok: false, problem: 'the reading is incomplete (the probe may have been unplugged)' };
  const crc = /crc=([0-9a-f]{2})\s+(YES|NO)\s*$/i.exec(crcLine);
  if (crc === null) return { ok: false, problem: `unexpected w1_slave format: ${JSON.stringify(crcLine.slice(0, 60))}` };
  if (crc[2]?.toUpperCase() !== 'YES') return { ok: false, problem: 'bad CRC (a loose contact, a long cable or a missing pull-up): reading skipped' };
  const bytes = crcLine.slice(0, crcLine.indexOf(':')).trim().split(/\s+/);
  if (bytes.length === 9 && bytes.every((b) => b === '00')) return { ok: false, problem: 'the probe answers with zeros: it is not connected properly' };
  const t = /t=(-?\d+)\s*$/.exec(dataLine);
  if (t === null) return { ok: false, problem: `no t= value in ${JSON.stringify(dataLine.slice(0, 60))}` };
  const milli = Number(t[1]);
  if (milli === POWER_ON_MILLIDEGREES) {
    return { ok: false, problem: 'reads 85 °C, its power-on value: no conversion happened (check the 3.3 V supply wire; parasite power is not enough)' };
  }
  return { ok: true, celsius: milli / 1000 };
}

export interface Ds18b20SensorContext {
  /** The probe's folder (28-0316a2797aff); found when there is exactly one. */
  readonly id?: string;
  /** Default /sys/bus/w1/devices; tests give a folder of sample files. */
  readonly w1Root?: string;
}

/** A DS18B20 on the Pi's 1-wire bus, read from sysfs (the kernel does the bus timing). */
export class Ds18b20Sensor implements TemperatureSensor {
  private device: string | null;
  private readonly root: string;

  constructor(options: Ds18b20SensorContext = {}) {
    this.device = options.id ?? null;
    this.root = options.w1Root ?? DEFAULT_W1_ROOT;
  }

  get name(): string {
    return `DS18B20 ${this.device ?? `(${this.root}/28-*)`}`;
  }

  async start(): Promise<void> {
    // Nothing to open: a probe plugged in later is found on the next read.
  }

  async stop(): Promise<void> {}

  async read(): Promise<number> {
    const device = this.device ?? (await this.findDevice());
    let text: string;
    try {
      text = await readFile(join(this.root, device, 'w1_slave'), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new SensorFaultError(
        `DS18B20 ${device}`,
        code === 'ENOENT' ? `not found in ${this.root} (unplugged, or a different probe?). ${ENABLE_1WIRE}` : `cannot be read: ${code ?? String(error)}`,
        { cause: error },
      );
    }
    const reading = parseW1Slave(text);
    if (!reading.ok) throw new SensorFaultError(`DS18B20 ${device}`, reading.problem);
    return reading.celsius;
  }

  private async findDevice(): Promise<string> {
    let probes: string[];
    try {
      probes = (await readdir(this.root)).filter((name) => name.startsWith('28-')).sort();
    } catch (error) {
      throw new SensorFaultError('DS18B20', `${this.root} does not exist: the 1-wire bus is off. ${ENABLE_1WIRE}`, { cause: error });
    }
    if (probes.length === 0) throw new SensorFaultError('DS18B20', `no probe in ${this.root} (no 28-* folder). ${ENABLE_1WIRE}`);
    if (probes.length > 1) {
      throw new SensorFaultError('DS18B20', `${probes.length} probes found (${probes.join(', ')}): set "bread": {"sensor": {"id": "..."}} to the one in the bread`);
    }
    this.device = probes[0] as string;
    return this.device;
  }
}
