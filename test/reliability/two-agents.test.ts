import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AgentProcess } from '../device/helpers/agent-process.js';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { type TestEmbeddedBroker, startEmbedded } from '../harness/embedded.js';
import { Figures } from './figures.js';

const figures = new Figures('two-agents');
afterAll(() => figures.write());

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function broker(): Promise<TestEmbeddedBroker> {
  const started = await startEmbedded();
  cleanups.push(() => started.stop());
  return started;
}

function agentProcess(env: Record<string, string>): AgentProcess {
  const agent = new AgentProcess(env);
  cleanups.push(() => agent.dispose());
  return agent;
}

const CONFIG = { deviceId: 'box-twin', inputs: [{ type: 'simulation', buttons: 2, count: 0 }] };

// SPEC §8: two agents with the same device id cannot both run. Before the lock, the
// second one took the same MQTT client id (the broker then closes the first, which
// reconnects and closes the second, every few hundred ms) and wrote the same outbox.
describe('two agents with one device id and one outbox', () => {
  it('the second refuses to start, exit code 2, naming the first (pid, since when); the first stays connected', async () => {
    const mqtt = await broker();
    const first = agentProcess({ MQTT_URL: mqtt.url });
    first.start(CONFIG);
    await first.waitForLog(/device box-twin started/);
    const firstPid = first.pid;
    expect(firstPid).not.toBeNull();

    const second = agentProcess({ MQTT_URL: mqtt.url, DATA_DIR: first.dataDir });
    second.start(CONFIG);
    const result = await second.waitExit();
    expect(result.code).toBe(2);
    expect(second.output).toContain(`pid ${firstPid}`);
    expect(second.output).toMatch(/since \d{4}-\d\d-\d\dT/);
    expect(second.output).not.toMatch(/\n\s+at /);
    expect(second.output).not.toContain('device box-twin started');

    // The first was never kicked off: its retained status is still `online`, and it still runs.
    const watcher = await connectClient(mqtt.url);
    cleanups.push(() => closeClient(watcher));
    expect(await collect(watcher, 'classroom/devices/box-twin/status', 1)).toEqual([{ topic: 'classroom/devices/box-twin/status', payload: 'online', retain: true }]);
    expect(first.pid).toBe(firstPid);
    expect(first.output).not.toMatch(/reconnecting|offline/i);
    figures.add({
      area: 'hostile clients',
      what: 'a second agent started with the same device id and outbox (a manual run next to the systemd unit)',
      where: 'agent processes, embedded broker (aedes)',
      tried: 1,
      unit: 'start',
      lost: 0,
      wrong: 0,
      outcome: `refused at start-up, exit code ${result.code} (no systemd restart), naming pid ${firstPid}; the first stayed connected (status online, never reconnected); after the first's SIGKILL the stale lock was taken over`,
    });
  }, 40_000);

  it('a lock left by an agent killed with SIGKILL (power cut) does not stop the next one', async () => {
    const mqtt = await broker();
    const first = agentProcess({ MQTT_URL: mqtt.url });
    first.start(CONFIG);
    await first.waitForLog(/device box-twin started/);
    await first.kill('SIGKILL');

    const next = agentProcess({ MQTT_URL: mqtt.url, DATA_DIR: first.dataDir });
    next.start(CONFIG);
    await next.waitForLog(/device box-twin started/);
    expect(next.output).toMatch(/stale lock/);
  }, 40_000);

  it('after a clean stop (SIGTERM) the next one starts without a word about a lock', async () => {
    const mqtt = await broker();
    const first = agentProcess({ MQTT_URL: mqtt.url });
    first.start(CONFIG);
    await first.waitForLog(/device box-twin started/);
    expect((await first.kill('SIGTERM')).code).toBe(0);

    const next = agentProcess({ MQTT_URL: mqtt.url, DATA_DIR: first.dataDir });
    next.start(CONFIG);
    await next.waitForLog(/device box-twin started/);
    expect(next.output).not.toMatch(/lock/);
  }, 40_000);
});
