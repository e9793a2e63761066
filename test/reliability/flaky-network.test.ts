import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { canRun } from '../harness/system-deps.js';
import { SERVER_MOSQUITTO_SETTINGS } from '../server/mosquitto-settings.js';
import { Figures, scale } from './figures.js';
import { FlakyProxy } from './flaky-proxy.js';
import { ServerProcess } from './processes.js';
import { type StreamShape, expectEveryVoteCountedOnce, openPollAndRun, runFigure } from './voting-run.js';

/**
 * Item 1 of the reliability issue: agent processes vote through a proxy that
 * behaves like bad classroom Wi-Fi (connections cut at random, bytes late, packets
 * cut in half). The server sits next to the broker. Once every press is made the
 * network heals, and the tally must equal exactly the votes the agents accepted.
 */
const STREAM: StreamShape = { agents: 4, votesEach: scale(100, 1_000), ratePerSecond: scale(40, 100), options: ['A', 'B', 'C'] };
const SEED = Number(process.env.FLAKY_SEED ?? 7);
const PASSWORD = 'flaky-device-secret';

const figures = new Figures('flaky-network');
afterAll(() => figures.write());

describe('votes through a flaky network', { timeout: scale(90_000, 900_000) }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-flaky-'));
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function run(broker: 'embedded' | 'mosquitto', pollId: string): Promise<void> {
    const deviceIds = Array.from({ length: STREAM.agents }, (_, i) => `${pollId}-box-${i}`);
    let mosquitto: MosquittoBroker | null = null;
    if (broker === 'mosquitto') {
      mosquitto = await startMosquitto({ extraConfig: [...SERVER_MOSQUITTO_SETTINGS] });
      cleanup.push(() => (mosquitto as MosquittoBroker).dispose());
    }
    const server = new ServerProcess({
      DATA_DIR: join(dataDir, `${broker}-server`),
      ...(mosquitto === null
        ? { MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', DEVICE_ACCOUNTS: deviceIds.map((id) => `${id}:${PASSWORD}`).join(',') }
        : { MQTT_URL: mosquitto.url }),
    });
    cleanup.push(() => server.stop('SIGKILL'));
    await server.start();
    const brokerUrl = new URL(mosquitto?.url ?? (server.brokerUrl as string));
    const proxy = new FlakyProxy({ targetPort: Number(brokerUrl.port), seed: SEED, dropAfterMs: [200, 1_500], delayMs: [0, 20], cutChance: 0.01 });
    await proxy.start();
    cleanup.push(() => proxy.stop());

    const result = await openPollAndRun({
      ...STREAM,
      server,
      pollId,
      dataDir: join(dataDir, `${broker}-agents`),
      agentEnv: (deviceId) => ({
        MQTT_URL: `mqtt://127.0.0.1:${proxy.port}`,
        ...(mosquitto === null ? { MQTT_USERNAME: deviceId, MQTT_PASSWORD: PASSWORD } : {}),
      }),
      // The network misbehaves for the whole stream; once every vote was
      // accepted it heals, so the outboxes can drain in bounded time.
      faultAt: 1,
      fault: async () => proxy.heal(),
      timeoutMs: scale(60_000, 600_000),
    });
    const { stats } = proxy;
    figures.add(
      runFigure(result, {
        area: 'flaky network',
        what: 'connections cut at random, bytes delayed, packets cut in half',
        where: broker === 'mosquitto' ? 'Mosquitto' : 'embedded broker (aedes)',
        outcome: `${STREAM.agents} agents × ${STREAM.votesEach} presses through the proxy (seed ${SEED}): ${stats.connections} connections, ${stats.drops} dropped, ${stats.cuts} cut mid-packet; tally ${JSON.stringify(result.counted)}; ${result.seconds.toFixed(0)} s`,
      }),
    );
    // The network really was bad: connections were dropped and packets cut.
    expect(stats.drops).toBeGreaterThan(0);
    expect(stats.connections).toBeGreaterThan(STREAM.agents * 2);
    expectEveryVoteCountedOnce(result, STREAM);
  }

  it('embedded broker: every vote pressed is counted exactly once', async () => {
    await run('embedded', 'flaky');
  });

  it.skipIf(!canRun('mosquitto'))('Mosquitto: every vote pressed is counted exactly once', async () => {
    await run('mosquitto', 'flakym');
  });
});
