import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent } from '../../device/agent.js';
import { parseDeviceConfig } from '../../device/config.js';
import { loadDeviceEnv } from '../../runtime/env.js';
import { silentLogger } from '../../runtime/logger.js';
import { createMockIo } from './fakes/mock-board.js';

const HARDWARE = /node_modules\/(onoff|epoll|johnny-five|firmata-io|etherport-client|serialport|@serialport)\//;
const hardwareModules = () => Object.keys(createRequire(import.meta.url).cache).filter((path) => HARDWARE.test(path));

class Keys extends EventEmitter {
  resume() {}
  pause() {}
}

describe('hardware libraries load only for the inputs that need them', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lazy-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = loadDeviceEnv({ env: { MQTT_URL: 'mqtt://127.0.0.1:1', DATA_DIR: dataDir }, dotenvPath: null });

  it('a keyboard and simulation agent loads neither onoff nor johnny-five', async () => {
    const agent = new Agent({
      env,
      config: parseDeviceConfig({ deviceId: 'demo', inputs: [{ type: 'keyboard', buttons: 2 }, { type: 'simulation', buttons: [{ id: 's' }], count: 0 }], bread: { sensor: { type: 'simulated' } } }),
      logger: silentLogger,
      stdin: new Keys(),
    });
    await agent.start();
    await agent.stop();
    expect(hardwareModules()).toEqual([]);
  });

  it('(control) a Firmata input does load johnny-five, so the check above can see it', async () => {
    const { io, ready } = createMockIo();
    const agent = new Agent({
      env,
      config: parseDeviceConfig({ deviceId: 'uno-box', boards: [{ id: 'uno', serial: '/dev/ttyACM0' }], inputs: [{ type: 'firmata', board: 'uno', buttons: [{ pin: 2 }] }] }),
      logger: silentLogger,
      openIo: async () => {
        setImmediate(ready);
        return { io, where: 'mock', close: async () => undefined };
      },
    });
    await agent.start();
    await agent.stop();
    expect(hardwareModules().some((path) => path.includes('/johnny-five/'))).toBe(true);
    expect(hardwareModules().some((path) => path.includes('/onoff/'))).toBe(false);
  });
});
