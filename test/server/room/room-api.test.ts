import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadServerEnv } from '../../../runtime/env.js';
import { type RunningServer, startServer } from '../../../server/index.js';
import type { DeviceView, RoomSnapshot } from '../../../server/room/room-state.js';
import { AgentProcess } from '../../device/helpers/agent-process.js';
import { startProfile } from '../../deploy/mosquitto-profile.js';
import { freePort } from '../../harness/ports.js';
import { canRun } from '../../harness/system-deps.js';
import { TEST_ADMIN_TOKEN, startTestServer } from '../helpers.js';
import { type RoomEvents, roomEvents } from './room-events.js';

/**
 * Issue 15 item 4, the room at a glance: a device agent (a real process) that
 * kept 3 presses while the broker was away shows up in `/api/room` online with
 * 3 votes waiting, then 0 once the hub has receipted them, then offline when the
 * process is killed (its last will) — on the embedded broker and on both
 * Mosquitto profiles as make-accounts.sh sets them up.
 */
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const DEVICE = 'box-1';
const CONFIG = { deviceId: DEVICE, inputs: [{ type: 'keyboard', buttons: 3 }] };

/** Three presses stored by an agent that cannot reach any broker, in `dataDir`. */
async function pressesKeptOffline(dataDir: string): Promise<void> {
  const agent = new AgentProcess({ MQTT_URL: `mqtt://127.0.0.1:${await freePort()}`, DATA_DIR: dataDir });
  cleanups.push(() => agent.dispose());
  agent.start(CONFIG, { keys: true });
  await agent.waitForLog(/device box-1 started/);
  for (const key of '123') {
    const before = agent.outboxCount(DEVICE);
    agent.type(key);
    await agent.waitForOutbox(DEVICE, (n) => n === before + 1, `${before + 1} presses stored`);
  }
  await agent.kill('SIGKILL');
}

function agentOnline(env: Record<string, string>): AgentProcess {
  const agent = new AgentProcess(env);
  cleanups.push(() => agent.dispose());
  agent.start(CONFIG);
  return agent;
}

const device = (room: RoomSnapshot): DeviceView | undefined => room.devices.find((d) => d.id === DEVICE);

async function watchTheRoom(server: RunningServer, agent: AgentProcess, dataDir: string): Promise<RoomEvents> {
  const events = await roomEvents(server.httpUrl, TEST_ADMIN_TOKEN);
  cleanups.push(() => events.close());
  const waiting = await events.waitFor((r) => device(r)?.status === 'online' && device(r)?.info?.outbox === 3, 'box-1 online with 3 votes waiting');
  expect(device(waiting)?.info?.inputs).toEqual([
    {
      type: 'keyboard',
      buttons: [
        { id: '1', press: 1, longPress: null },
        { id: '2', press: 2, longPress: null },
        { id: '3', press: 3, longPress: null },
      ],
    },
  ]);
  // SPEC §8: the info anyone may read carries no voter secret.
  const secret = readFileSync(join(dataDir, `voter-${DEVICE}`), 'utf8').trim();
  expect(secret.length).toBeGreaterThan(8);
  expect(JSON.stringify(waiting)).not.toContain(secret);
  await events.waitFor((r) => device(r)?.info?.outbox === 0, 'the outbox emptied by the receipts');

  await agent.kill('SIGKILL');
  const gone = await events.waitFor((r) => device(r)?.status === 'offline', 'box-1 offline after SIGKILL (its last will)', 30_000);
  expect(device(gone)?.lastSeen).toEqual(expect.any(Number));
  const now = await fetch(`${server.httpUrl}/api/room`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  expect(device((await now.json()) as RoomSnapshot)?.status).toBe('offline');
  return events;
}

describe('GET /api/room and /api/room/events', { timeout: 120_000 }, () => {
  it('embedded broker: a device online with its outbox, then offline when killed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'room-agent-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    await pressesKeptOffline(dataDir);
    const port = await freePort();
    const hub = await startTestServer({ MQTT_PORT: String(port), DEVICE_ACCOUNTS: `${DEVICE}:box-1-secret` });
    cleanups.push(() => hub.dispose());
    const agent = agentOnline({ MQTT_URL: `mqtt://127.0.0.1:${port}`, MQTT_USERNAME: DEVICE, MQTT_PASSWORD: 'box-1-secret', DATA_DIR: dataDir });
    await watchTheRoom(hub.running, agent, dataDir);
  });

  for (const profile of ['classroom', 'secure'] as const) {
    const deps: Parameters<typeof canRun> = profile === 'secure' ? ['mosquitto', 'openssl'] : ['mosquitto'];
    it.skipIf(!canRun(...deps))(`Mosquitto ${profile} profile: a device online with its outbox, then offline when killed`, async () => {
      const broker = await startProfile(profile, [DEVICE]);
      cleanups.push(() => broker.dispose());
      const dataDir = mkdtempSync(join(tmpdir(), 'room-agent-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      await pressesKeptOffline(dataDir);
      const moved = (url: string) => url.replace(/:(\d+)$/, (_m, p: string) => `:${broker.port(Number(p))}`);
      const hubEnv = broker.env.hub ?? {};
      const hubDir = mkdtempSync(join(tmpdir(), 'room-hub-'));
      cleanups.push(() => rmSync(hubDir, { recursive: true, force: true }));
      const config = loadServerEnv({
        env: { ...hubEnv, MQTT_URL: moved(hubEnv.MQTT_URL ?? ''), MQTT_WS_URL: moved(hubEnv.MQTT_WS_URL ?? ''), HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', DATA_DIR: hubDir, ADMIN_TOKEN: TEST_ADMIN_TOKEN, LOG_LEVEL: 'silent' },
        dotenvPath: null,
      });
      const server = await startServer({ config, brokerWaitMs: 5_000 });
      cleanups.push(() => server.stop());
      // The agent runs on the hub's machine: the loopback listener, with its own printed account (as make-accounts.sh says).
      const account = broker.env[DEVICE] ?? {};
      const agent = agentOnline({ MQTT_URL: moved(hubEnv.MQTT_URL ?? ''), MQTT_USERNAME: account.MQTT_USERNAME ?? '', MQTT_PASSWORD: account.MQTT_PASSWORD ?? '', DATA_DIR: dataDir });
      const events = await watchTheRoom(server, agent, dataDir);
      // The hub's account reads $SYS/broker/clients/connected (classroom.acl): phones are counted.
      await events.waitFor((r) => r.phones !== null, 'a phone count from $SYS', 30_000);
    });
  }

  it('401 without the admin token or a session', async () => {
    const hub = await startTestServer();
    cleanups.push(() => hub.dispose());
    const url = hub.running.httpUrl;
    expect((await fetch(`${url}/api/room`)).status).toBe(401);
    expect((await fetch(`${url}/api/room/events`)).status).toBe(401);
    expect((await fetch(`${url}/api/room`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${url}/api/bread/new-bake`, { method: 'POST' })).status).toBe(401);
  });
});
