import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SensorFaultError } from '../../../device/errors/sensor-fault-error.js';
import { Ds18b20Sensor, parseW1Slave } from '../../../device/sensors/ds18b20.js';

// Real w1_slave contents as the Raspberry Pi kernel prints them.
const GOOD = '72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n';
const BAKED = 'c2 05 4b 46 7f ff 0c 10 c8 : crc=c8 YES\nc2 05 4b 46 7f ff 0c 10 c8 t=92125\n';
const FREEZER = '5e ff 4b 46 7f ff 02 10 47 : crc=47 YES\n5e ff 4b 46 7f ff 02 10 47 t=-10125\n';
const CRC_NO = '72 01 4b 46 7f ff 0e 10 57 : crc=2a NO\n72 01 4b 46 7f ff 0e 10 57 t=23125\n';
const POWER_ON = '50 05 4b 46 7f ff 0c 10 1c : crc=1c YES\n50 05 4b 46 7f ff 0c 10 1c t=85000\n';
const ZEROS = '00 00 00 00 00 00 00 00 00 : crc=00 YES\n00 00 00 00 00 00 00 00 00 t=0\n';

describe('parseW1Slave', () => {
  it('reads t= in thousandths of a degree when the CRC line says YES', () => {
    expect(parseW1Slave(GOOD)).toEqual({ ok: true, celsius: 23.125 });
    expect(parseW1Slave(BAKED)).toEqual({ ok: true, celsius: 92.125 });
    expect(parseW1Slave(FREEZER)).toEqual({ ok: true, celsius: -10.125 });
  });

  it('refuses a reading whose CRC did not match', () => {
    const reading = parseW1Slave(CRC_NO);
    expect(reading.ok).toBe(false);
    expect(!reading.ok && reading.problem).toContain('bad CRC');
  });

  it('treats 85 °C, the power-on value, as a fault, not a hot loaf', () => {
    const reading = parseW1Slave(POWER_ON);
    expect(reading.ok).toBe(false);
    expect(!reading.ok && reading.problem).toContain('power-on value');
  });

  it('treats an all-zero scratchpad (probe dropped off) as a fault, not 0 °C', () => {
    expect(parseW1Slave(ZEROS).ok).toBe(false);
  });

  it('refuses a truncated or foreign file', () => {
    expect(parseW1Slave('72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n').ok).toBe(false);
    expect(parseW1Slave('hello\nworld\n').ok).toBe(false);
    expect(parseW1Slave('').ok).toBe(false);
  });
});

describe('Ds18b20Sensor on a w1 folder', () => {
  let root: string;
  const probe = (id: string, text: string) => {
    mkdirSync(join(root, id), { recursive: true });
    writeFileSync(join(root, id, 'w1_slave'), text);
  };
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const make = () => {
    root = mkdtempSync(join(tmpdir(), 'w1-'));
    // The bus master is listed too; it is not a probe.
    mkdirSync(join(root, 'w1_bus_master1'));
  };

  it('finds the only probe and reads it', async () => {
    make();
    probe('28-0316a2797aff', GOOD);
    const sensor = new Ds18b20Sensor({ w1Root: root });
    expect(await sensor.read()).toBe(23.125);
    expect(sensor.name).toBe('DS18B20 28-0316a2797aff');
  });

  it('reads the configured probe when there are several', async () => {
    make();
    probe('28-0316a2797aff', GOOD);
    probe('28-0516b3ee11ff', BAKED);
    expect(await new Ds18b20Sensor({ w1Root: root, id: '28-0516b3ee11ff' }).read()).toBe(92.125);
    const error = await new Ds18b20Sensor({ w1Root: root }).read().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/2 probes found \(28-0316a2797aff, 28-0516b3ee11ff\).*"id"/);
  });

  it('says how to enable 1-wire when no probe is there', async () => {
    make();
    const error = await new Ds18b20Sensor({ w1Root: root }).read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SensorFaultError);
    expect((error as Error).message).toContain('dtoverlay=w1-gpio');
    expect((error as Error).message).toContain('4.7 kΩ');
  });

  it('reports a configured probe that is missing, and reads it once it is back', async () => {
    make();
    const sensor = new Ds18b20Sensor({ w1Root: root, id: '28-0316a2797aff' });
    const error = await sensor.read().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/DS18B20 28-0316a2797aff: not found/);
    probe('28-0316a2797aff', GOOD);
    expect(await sensor.read()).toBe(23.125);
  });

  it('turns CRC NO and 85000 into faults naming the probe', async () => {
    make();
    probe('28-0316a2797aff', CRC_NO);
    const sensor = new Ds18b20Sensor({ w1Root: root });
    await expect(sensor.read()).rejects.toThrow(/DS18B20 28-0316a2797aff: bad CRC/);
    probe('28-0316a2797aff', POWER_ON);
    await expect(sensor.read()).rejects.toThrow(/85 °C/);
  });
});
