import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortInUseError } from '../../runtime/errors/port-in-use-error.js';
import { ConfigError } from '../../shared/errors/config-error.js';
import { startTestServer, tempDataDir } from './helpers.js';

const runCli = fileURLToPath(new URL('./fixtures/run-cli.ts', import.meta.url));

describe('start-up problems', () => {
  let busy: Server;
  let busyPort: number;
  const data = tempDataDir();
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    data.remove();
  });

  it('names the port that is taken', async () => {
    await expect(startTestServer({ MQTT_PORT: String(busyPort) }, { dataDir: data.dir })).rejects.toThrow(PortInUseError);
    await expect(startTestServer({ MQTT_PORT: String(busyPort) }, { dataDir: data.dir })).rejects.toThrow(/MQTT_PORT/);
    await expect(startTestServer({ HTTP_PORT: String(busyPort) }, { dataDir: data.dir })).rejects.toThrow(/HTTP_PORT/);
  });

  it("refuses a device account named like the server's own", async () => {
    await expect(startTestServer({ DEVICE_ACCOUNTS: 'classroom-server:guess' }, { dataDir: data.dir })).rejects.toThrow(ConfigError);
  });

  it('`mqtt-classroom server` on a taken port prints what to do and exits 2 (nothing left running)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', runCli, 'server'], {
      env: { ...process.env, DATA_DIR: data.dir, MQTT_HOST: '127.0.0.1', MQTT_PORT: String(busyPort), HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain(`Port ${busyPort} (MQTT_PORT) is already in use`);
    expect(err).not.toMatch(/\n\s+at /);
  });
});
