import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../device/agent.js';
import { parseDeviceConfig } from '../../device/config.js';
import { loadDeviceEnv } from '../../runtime/env.js';
import { silentLogger } from '../../runtime/logger.js';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { canRun, findBinary } from '../harness/system-deps.js';
import { AgentProcess } from './helpers/agent-process.js';
import { until } from '../harness/wait.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function broker(): Promise<MosquittoBroker> {
  const started = await startMosquitto();
  cleanups.push(() => started.dispose());
  return started;
}

function agentProcess(url: string): AgentProcess {
  const agent = new AgentProcess({ MQTT_URL: url });
  cleanups.push(() => agent.dispose());
  return agent;
}

describe.skipIf(!canRun('mosquitto'))('mqtt-classroom device, as a process', () => {
  it('says online (retained) once connected, and the broker says offline for it after SIGKILL', async () => {
    const mosquitto = await broker();
    const agent = agentProcess(mosquitto.url);
    agent.start({ deviceId: 'box-7', inputs: [{ type: 'simulation', buttons: 2, count: 0 }] });
    await agent.waitForLog(/device box-7 started/);
    const first = await connectClient(mosquitto.url);
    cleanups.push(() => closeClient(first));
    // Seen live or retained, depending on who was first; then a newcomer must get it retained.
    await collect(first, 'classroom/devices/box-7/status', 1);
    const newcomer = await connectClient(mosquitto.url);
    cleanups.push(() => closeClient(newcomer));
    const [online] = await collect(newcomer, 'classroom/devices/box-7/status', 1);
    expect(online).toEqual({ topic: 'classroom/devices/box-7/status', payload: 'online', retain: true });
    await agent.kill('SIGKILL');
    // The last will: the broker publishes it as soon as it sees the connection die.
    const [will] = await collect(first, 'classroom/devices/box-7/status', 1, 20_000);
    expect(will).toMatchObject({ topic: 'classroom/devices/box-7/status', payload: 'offline' });
    // And it stays there, retained, for a dashboard that looks later.
    const later = await connectClient(mosquitto.url);
    cleanups.push(() => closeClient(later));
    expect(await collect(later, 'classroom/devices/box-7/status', 1)).toEqual([{ topic: 'classroom/devices/box-7/status', payload: 'offline', retain: true }]);
  }, 40_000);

  it('publishes offline itself and exits 0 on SIGTERM', async () => {
    const mosquitto = await broker();
    const agent = agentProcess(mosquitto.url);
    agent.start({ deviceId: 'box-8', inputs: [{ type: 'simulation', buttons: 2, count: 0 }] });
    await agent.waitForLog(/device box-8 started/);
    const watcher = await connectClient(mosquitto.url);
    cleanups.push(() => closeClient(watcher));
    await collect(watcher, 'classroom/devices/box-8/status', 1);
    const offline = collect(watcher, 'classroom/devices/box-8/status', 1);
    expect(await agent.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect((await offline)[0]).toMatchObject({ payload: 'offline' });
    expect(agent.output).toContain('SIGTERM received, stopping');
  });

  it('stops with one readable message, exit code 2, on a bad config', async () => {
    const agent = agentProcess('mqtt://127.0.0.1:1');
    agent.start({ deviceId: 'box 9', inputs: [{ type: 'gpio', buttons: [{ pin: 99 }] }] } as never);
    const result = await agent.waitExit();
    expect(result.code).toBe(2);
    expect(agent.output).toContain('deviceId');
    expect(agent.output).toContain('inputs[0].buttons[0].pin');
    expect(agent.output).not.toMatch(/\n\s+at /);
  });
});

describe.skipIf(existsSync('/sys/class/gpio/export'))('mqtt-classroom device on a machine without GPIO', () => {
  it('stops at start-up with one message naming the pins and the fix, exit code 2', async () => {
    const agent = agentProcess('mqtt://127.0.0.1:1');
    agent.start({ deviceId: 'box-1', inputs: [{ type: 'gpio', buttons: [{ pin: 17 }, { pin: 27 }] }] });
    expect((await agent.waitExit()).code).toBe(2);
    expect(agent.output).toContain('mqtt-classroom: GPIO BCM 17, BCM 27: the sysfs GPIO interface is not accessible');
    expect(agent.output).toContain('usermod -aG gpio');
    expect(agent.output).not.toMatch(/\n\s+at /);
  });
});

describe.skipIf(!canRun('mosquitto', 'mosquitto-clients'))('the bread oven, as mosquitto_sub sees it', () => {
  it('goes froid → cuisson → prêt → brûlé on pain/cuisson, once each, without flapping', async () => {
    const mosquitto = await broker();
    // mosquitto_sub shows it is subscribed by printing a retained marker first.
    const marker = await connectClient(mosquitto.url);
    cleanups.push(() => closeClient(marker));
    await marker.publishAsync('test/ready', 'yes', { qos: 1, retain: true });
    const sub: ChildProcess = spawn(findBinary('mosquitto_sub') as string, ['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', 'test/ready', '-t', 'pain/cuisson', '-t', 'pain/cuisson/temperature', '-v'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    cleanups.push(() => void sub.kill('SIGKILL'));
    let out = '';
    sub.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    await until(() => out.includes('test/ready yes'), 'mosquitto_sub to subscribe', { timeout: 10_000, interval: 20 });

    const dataDir = mkdtempSync(join(tmpdir(), 'bread-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const agent = new Agent({
      env: loadDeviceEnv({ env: { MQTT_URL: mosquitto.url, DATA_DIR: dataDir }, dotenvPath: null }),
      // A 3-second bake, read every 50 ms, with the probe wobbling ±0.6 °C; the
      // temperature re-published at least every 100 ms (the marker below).
      config: parseDeviceConfig({
        deviceId: 'four',
        bread: { sensor: { type: 'simulated', durationMs: 3_000, wobble: 0.6, repeat: false }, intervalMs: 50, heartbeatMs: 100 },
      }),
      logger: silentLogger,
    });
    cleanups.push(() => agent.stop());
    await agent.start();
    await until(() => agent.bread?.state.state === 'brûlé', 'the oven to burn the bread', { timeout: 25_000, interval: 50, detail: () => out });
    // Ten more temperatures after it, from the same connection: every reading up to
    // them (wobbling at the top) had its chance to flap the state, and a state it
    // published would have arrived before them.
    const temperaturesAfterBurnt = () => out.split('pain/cuisson brûlé')[1]?.split('\n').filter((l) => l.startsWith('pain/cuisson/temperature ')).length ?? 0;
    await until(() => temperaturesAfterBurnt() >= 10, 'ten temperatures after brûlé', { timeout: 25_000, interval: 20, detail: () => out });
    const lines = out.split('\n').filter((l) => l.startsWith('pain/cuisson '));
    expect(lines).toEqual(['pain/cuisson froid', 'pain/cuisson cuisson', 'pain/cuisson prêt', 'pain/cuisson brûlé']);
  });
});
