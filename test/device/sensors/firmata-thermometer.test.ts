import { afterEach, describe, expect, it, vi } from 'vitest';
import { SensorFaultError } from '../../../device/errors/sensor-fault-error.js';
import { BoardRegistry } from '../../../device/firmata/boards.js';
import { FirmataThermometer } from '../../../device/sensors/firmata-thermometer.js';
import { systemClock } from '../../../runtime/clock.js';
import { silentLogger } from '../../../runtime/logger.js';
import { createMockIo } from '../fakes/mock-board.js';

describe('FirmataThermometer (johnny-five Thermometer over mock-firmata)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(controller: string, aref?: number) {
    const { io, ready } = createMockIo();
    const boards = new BoardRegistry({
      boards: [{ id: 'uno', transport: { kind: 'serial', path: '/dev/ttyACM0', baudRate: 57600 }, timeoutMs: 2_000 }],
      logger: silentLogger,
      openIo: async () => {
        setImmediate(ready);
        return { io, where: '/dev/ttyACM0', close: async () => undefined };
      },
    });
    const sensor = new FirmataThermometer({ boards, clock: systemClock, board: 'uno', controller, pin: 'A0', freqMs: 25, ...(aref === undefined ? {} : { aref }) });
    cleanups.push(() => boards.stop(), () => sensor.stop());
    await sensor.start();
    return { io, sensor };
  }

  it('is a fault until the board sent a reading', async () => {
    const { sensor } = await start('TMP36');
    const error = await sensor.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SensorFaultError);
    expect((error as Error).message).toContain('TMP36 on board uno pin A0: no reading yet');
  });

  it('converts a TMP36 reading on A0 with johnny-five (5 V reference)', async () => {
    const { io, sensor } = await start('TMP36');
    // 153/1023 of 5 V = 748 mV; TMP36: 10 mV/°C with 500 mV at 0 °C -> 24.8 °C.
    io.reportAnalog(0, 153);
    // A fault until johnny-five has passed the reading on.
    await vi.waitFor(async () => expect(await sensor.read()).toBeCloseTo(24.8, 0), { interval: 10 });
  });

  it('uses the configured reference voltage (3.3 V on an ESP32)', async () => {
    const { io, sensor } = await start('LM35', 3.3);
    // 310/1023 of 3.3 V = 1000 mV; LM35: 10 mV/°C -> 100 °C.
    io.reportAnalog(0, 310);
    await vi.waitFor(async () => expect(await sensor.read()).toBeCloseTo(100, 0), { interval: 10 });
  });
});
