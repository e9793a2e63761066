import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MosquittoBroker } from '../harness/mosquitto.js';
import { freePort } from '../harness/ports.js';
import { canRun } from '../harness/system-deps.js';
import { until } from '../harness/wait.js';
import { PRESS_TRANSIT_MARGIN_MS } from '../../shared/press-time.js';
import { ServerProcess } from '../reliability/processes.js';
import { AgentProcess } from './helpers/agent-process.js';

/**
 * Issue 14 item 1, SPEC §5 "a press is never lost for want of knowledge": a fresh
 * device (new SD card, no outbox) whose buttons vote by position (the default, as
 * in deploy/device.pi.example.json) starts while the broker is down. Every press
 * is stored; once the broker is back each is counted for the poll that was open
 * when it was pressed, or rejected with that reason — none dropped. It used to drop
 * every one: "option 1 does not exist in poll … (its options are not known yet)".
 */
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const OPTIONS = ['A', 'B', 'C'];
// Buttons without "press": each votes for its position, like the Pi example.
const KEYBOARD = { type: 'keyboard', buttons: 3 };

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fresh-device-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function freshAgent(url: string, account: Record<string, string> = {}): AgentProcess {
  const agent = new AgentProcess({ MQTT_URL: url, ...account });
  cleanups.push(() => agent.dispose());
  return agent;
}

/**
 * Until the hub would count a press made now in `pollId`: past its opening by the
 * transit margin (shared/press-time.ts), within which it rejects a press as maybe
 * made before the opening. The hub runs on this machine's clock.
 */
async function pastOpening(hub: ServerProcess, pollId: string): Promise<void> {
  const openedAt = (await hub.api(`/api/polls/${pollId}`)).poll.openedAt as number;
  await until(() => Date.now() > openedAt + PRESS_TRANSIT_MARGIN_MS, `the transit margin after ${pollId} opened`, { timeout: PRESS_TRANSIT_MARGIN_MS * 3 });
}

/** Keystrokes one at a time, each stored before the next (the outbox on disk grows by one). */
async function press(agent: AgentProcess, keys: string, deviceId: string): Promise<void> {
  for (const key of keys) {
    const before = agent.outboxCount(deviceId);
    agent.type(key);
    await agent.waitForOutbox(deviceId, (n) => n === before + 1, `${before + 1} presses stored`);
  }
}

describe('a fresh device with the broker down', { timeout: 240_000 }, () => {
  it('embedded broker: every press made while the hub was down counts for the poll open then', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    // A device account: the embedded broker lets only it publish the device's status.
    const env = { DATA_DIR: dataDir, MQTT_HOST: '127.0.0.1', MQTT_PORT: String(port), DEVICE_ACCOUNTS: 'box-1:box-1-secret' };
    const hub = new ServerProcess(env);
    cleanups.push(() => hub.stop('SIGKILL'));
    await hub.start();
    await hub.createOpenPoll('q1', OPTIONS);
    await pastOpening(hub, 'q1');
    // The hub (and its broker) go away; the poll stays open in its database.
    await hub.stop('SIGTERM');

    const agent = freshAgent(`mqtt://127.0.0.1:${port}`, { MQTT_USERNAME: 'box-1', MQTT_PASSWORD: 'box-1-secret' });
    agent.start({ deviceId: 'box-1', inputs: [KEYBOARD] }, { keys: true });
    await agent.waitForLog(/device box-1 started/);
    await press(agent, '1123', 'box-1');
    expect(agent.output).not.toContain('not a vote');
    expect(agent.output).toContain('button 1 → vote #1 on poll @open');

    const back = new ServerProcess(env);
    cleanups.push(() => back.stop('SIGKILL'));
    await back.start();
    await agent.waitForOutbox('box-1', (n) => n === 0, 'empty (a receipt for every press)', 90_000);
    const summary = await back.api('/api/polls/q1');
    expect(summary.tally.counts).toEqual({ A: 2, B: 1, C: 1 });
    expect(summary.tally.rejected).toBe(0);
  });

  it.skipIf(!canRun('mosquitto'))('Mosquitto: presses before the poll opened are rejected with the reason, those after are counted, none dropped', async () => {
    const mosquitto = new MosquittoBroker();
    cleanups.push(() => mosquitto.dispose());
    mosquitto.port = await freePort();
    const hub = new ServerProcess({ DATA_DIR: tempDir(), MQTT_URL: mosquitto.url });
    cleanups.push(() => hub.stop('SIGKILL'));
    await hub.start();

    const agent = freshAgent(mosquitto.url);
    agent.start({ deviceId: 'box-2', inputs: [KEYBOARD] }, { keys: true });
    await agent.waitForLog(/device box-2 started/);
    // No poll is open yet: these two are for no poll.
    await press(agent, '12', 'box-2');
    await hub.createOpenPoll('q2', OPTIONS);
    // The two before: rejected whatever their transit (up to the margin), these counted.
    await pastOpening(hub, 'q2');
    await press(agent, '1223', 'box-2');
    expect(agent.output).not.toContain('not a vote');

    await mosquitto.start();
    await agent.waitForOutbox('box-2', (n) => n === 0, 'empty (a receipt for every press)', 90_000);
    await expect.poll(async () => (await hub.api('/api/polls/q2')).tally.total, { timeout: 30_000 }).toBe(4);
    const summary = await hub.api('/api/polls/q2');
    expect(summary.tally.counts).toEqual({ A: 1, B: 2, C: 1 });
    // The two early presses: rejected, and the device says so.
    expect([...agent.output.matchAll(/rejected by the server: poll-closed/g)]).toHaveLength(2);
  });
});
