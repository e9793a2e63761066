import { afterEach, describe, expect, it } from 'vitest';
import { parseDeviceConfig } from '../../../device/config.js';
import { BoardError } from '../../../device/errors/board-error.js';
import { BoardRegistry } from '../../../device/firmata/boards.js';
import type { ButtonEvent } from '../../../device/inputs/input.js';
import { FirmataInput, type FirmataInputConfig } from '../../../device/inputs/firmata.js';
import { silentLogger } from '../../../runtime/logger.js';
import { systemScheduler } from '../../../runtime/scheduler.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';
import { until } from '../../harness/wait.js';
import { FakeFirmataWifi } from '../fakes/fake-firmata-wifi.js';
import { createMockIo } from '../fakes/mock-board.js';
import { captureLogger } from '../helpers/logs.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function configWith(boards: object[], inputs: object[]) {
  return parseDeviceConfig({ deviceId: 'box-1', boards, inputs });
}

describe('FirmataInput over mock-firmata', () => {
  async function start(buttons: object[], inputExtra: object = {}) {
    const { io, ready } = createMockIo();
    const config = configWith([{ id: 'uno', serial: '/dev/ttyACM0' }], [{ type: 'firmata', board: 'uno', buttons, ...inputExtra }]);
    const boards = new BoardRegistry({
      boards: config.boards,
      logger: silentLogger,
      openIo: async () => {
        setImmediate(ready);
        return { io, where: '/dev/ttyACM0', close: async () => undefined };
      },
    });
    const input = new FirmataInput({ config: config.inputs[0] as FirmataInputConfig, boards, logger: silentLogger, scheduler: systemScheduler, emit: () => undefined });
    cleanups.push(() => boards.stop(), () => input.stop());
    await input.start();
    return { io, input };
  }

  it('enables the pull-up the Firmata way (INPUT, then HIGH) and sets LED pins as outputs', async () => {
    const { io } = await start([{ pin: 2, led: 13 }, { pin: 3, pullup: false }]);
    expect(io.modes.get(2)).toBe(io.MODES.INPUT);
    expect(io.modes.get(3)).toBe(io.MODES.INPUT);
    expect(io.modes.get(13)).toBe(io.MODES.OUTPUT);
    expect(io.writes).toEqual([{ pin: 2, value: io.HIGH }]);
  });

  it('maps analog pin names through the board', async () => {
    const { io } = await start([{ pin: 'A1' }]);
    expect(io.modes.get(io.analogPins[1] as number)).toBe(io.MODES.INPUT);
  });

  it('refuses a pin the board does not have, naming it', async () => {
    await expect(start([{ pin: 90 }])).rejects.toThrow(/board "uno".*has no pin 90/);
  });
});

describe('Firmata boards over TCP (real firmata-io and etherport-client)', () => {
  it('reads a button on a StandardFirmataWiFi board: pull-up mode, reporting, press', async () => {
    const board = await new FakeFirmataWifi({ pins: 20 }).start();
    cleanups.push(() => board.stop());
    const config = configWith([{ id: 'esp32', host: '127.0.0.1', port: board.port, timeoutMs: 5_000 }], [{ type: 'firmata', board: 'esp32', debounceMs: 0, buttons: [{ id: 'a', pin: 4 }] }]);
    const boards = new BoardRegistry({ boards: config.boards, logger: silentLogger });
    const events: ButtonEvent[] = [];
    const input = new FirmataInput({ config: config.inputs[0] as FirmataInputConfig, boards, logger: silentLogger, scheduler: systemScheduler, emit: (e) => events.push(e) });
    cleanups.push(() => boards.stop(), () => input.stop());
    await input.start();
    await until(() => board.pinModes().get(4) === 'PULLUP', 'pin 4 set to PULLUP');
    // REPORT_DIGITAL for port 0, on.
    await until(() => board.received.some((b, i) => b === 0xd0 && board.received[i + 1] === 1), 'digital reporting of port 0');
    board.setPin(4, 1);
    board.setPin(4, 0);
    await until(() => events.some((e) => e.type === 'press'), 'a press');
    board.setPin(4, 1);
    await until(() => events.some((e) => e.type === 'up'), 'a release');
    expect(events.map((e) => [e.button, e.type])).toEqual([
      ['a', 'down'],
      ['a', 'press'],
      ['a', 'up'],
    ]);
    await input.stop();
    await boards.stop();
    await until(() => board.clientGone, 'the agent closing its socket');
  });

  it('on a firmware without PULLUP (StandardFirmata 2.4), enables the pull-up by writing HIGH to the input', async () => {
    const board = await new FakeFirmataWifi({ pins: 20, pullup: false }).start();
    cleanups.push(() => board.stop());
    const config = configWith([{ id: 'uno', host: '127.0.0.1', port: board.port, timeoutMs: 5_000 }], [{ type: 'firmata', board: 'uno', buttons: [{ id: 'a', pin: 4 }] }]);
    const boards = new BoardRegistry({ boards: config.boards, logger: silentLogger });
    const input = new FirmataInput({ config: config.inputs[0] as FirmataInputConfig, boards, logger: silentLogger, scheduler: systemScheduler, emit: () => undefined });
    cleanups.push(() => boards.stop(), () => input.stop());
    await input.start();
    await until(() => board.pinModes().get(4) === 'INPUT', 'pin 4 set to INPUT');
    // DIGITAL_MESSAGE for port 0 with bit 4 set: HIGH on the input pin.
    await until(() => board.received.some((b, i) => b === 0x90 && ((board.received[i + 1] ?? 0) & 0x10) !== 0), 'HIGH written to pin 4');
  });

  it('sets the pins up again when the board is reset (its firmware announces itself again), and says so', async () => {
    const board = await new FakeFirmataWifi({ pins: 20 }).start();
    cleanups.push(() => board.stop());
    const config = configWith([{ id: 'esp32', host: '127.0.0.1', port: board.port, timeoutMs: 5_000 }], [{ type: 'firmata', board: 'esp32', debounceMs: 0, buttons: [{ id: 'a', pin: 4, led: 2 }] }]);
    const log = captureLogger();
    const boards = new BoardRegistry({ boards: config.boards, logger: log.logger });
    const events: ButtonEvent[] = [];
    const input = new FirmataInput({ config: config.inputs[0] as FirmataInputConfig, boards, logger: silentLogger, scheduler: systemScheduler, emit: (e) => events.push(e) });
    cleanups.push(() => boards.stop(), () => input.stop());
    await input.start();
    await until(() => board.modeChanges(4) === 1 && board.modeChanges(2) === 1, 'the first setup');
    board.announce();
    await until(() => board.modeChanges(4) === 2 && board.modeChanges(2) === 2, 'the pins set up again');
    expect(log.text()).toMatch(/board esp32 .* was reset .*setting its pins up again/);
    board.setPin(4, 0);
    await until(() => events.some((e) => e.type === 'press'), 'a press after the reset');
  });

  it('gives up on a board that does not answer, naming host and port, and closes the socket', async () => {
    const board = await new FakeFirmataWifi({ pins: 20, silent: true }).start();
    cleanups.push(() => board.stop());
    const boards = new BoardRegistry({ boards: [{ id: 'esp32', transport: { kind: 'tcp', host: '127.0.0.1', port: board.port, heartbeatMs: 2_000 }, timeoutMs: 600 }], logger: silentLogger });
    cleanups.push(() => boards.stop());
    const error = await boards.get('esp32').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BoardError);
    expect((error as Error).message).toContain(`Firmata board "esp32" at 127.0.0.1:${board.port}: no Firmata answer within 600 ms`);
    expect((error as Error).message).toContain('StandardFirmataWiFi');
    await boards.stop();
    await until(() => board.clientGone, 'the agent closing its socket');
    expect(board.connections).toBe(1);
  });

  it("times its connect timeout on the agent's scheduler, not on the wall clock", async () => {
    const scheduler = new ManualScheduler();
    const { io } = createMockIo();
    const config = configWith([{ id: 'uno', serial: '/dev/ttyACM0', timeoutMs: 60_000 }], [{ type: 'firmata', board: 'uno', buttons: [{ pin: 2 }] }]);
    const boards = new BoardRegistry({ boards: config.boards, logger: silentLogger, scheduler, openIo: async () => ({ io, where: '/dev/ttyACM0', close: async () => undefined }) });
    cleanups.push(() => boards.stop());
    const failed = boards.get('uno').catch((e: unknown) => e);
    await until(() => scheduler.pending > 0, 'the connect timeout to be set');
    scheduler.advance(60_000);
    const error = await failed;
    expect(error).toBeInstanceOf(BoardError);
    expect((error as Error).message).toContain('no Firmata answer within 60000 ms');
  });

  it('names the serial port and the fix when it cannot be opened', async () => {
    const boards = new BoardRegistry({ boards: [{ id: 'uno', transport: { kind: 'serial', path: '/dev/ttyACM-not-here', baudRate: 57600 }, timeoutMs: 2_000 }], logger: silentLogger });
    cleanups.push(() => boards.stop());
    const error = await boards.get('uno').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BoardError);
    expect((error as Error).message).toMatch(/Firmata board "uno" at \/dev\/ttyACM-not-here: cannot be opened/);
    expect((error as Error).message).toContain('ls /dev/ttyACM* /dev/ttyUSB*');
  });
});
