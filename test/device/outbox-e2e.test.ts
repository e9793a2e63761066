import { afterEach, describe, expect, it } from 'vitest';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { until as waitUntil } from '../harness/wait.js';
import { type TestServer, jsonVote, openPoll, startTestServer, tempDataDir } from '../server/helpers.js';
import { SERVER_MOSQUITTO_SETTINGS } from '../server/mosquitto-settings.js';
import { AgentProcess } from './helpers/agent-process.js';

/**
 * The outbox end to end, with the REAL tally server (in this process), a real
 * Mosquitto with persistence and the limits the deploy profile sets, and the agent
 * as a child process so it can die by SIGKILL. "Exactly once" is checked on the
 * server's own tally: 200 presses, 200 counted, none twice, none lost.
 */

const OPTIONS = ['IFT1215', 'MAT1400', 'IFT1065', 'MAT1600'];
const DEVICE = 'boite-1';

function deviceConfig(count: number, ratePerSecond: number) {
  return {
    deviceId: DEVICE,
    pollId: 'cours',
    outbox: { receiptTimeoutMs: 1_500 },
    inputs: [{ type: 'simulation', ratePerSecond, count, buttons: OPTIONS.map((option) => ({ id: option, press: { vote: option } })) }],
  };
}

const until = (check: () => boolean, what: string, timeout: number, detail?: () => string) =>
  waitUntil(check, what, { timeout, interval: 50, ...(detail ? { detail } : {}) });

describe.skipIf(!canRun('mosquitto'))('outbox end to end with the real server', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function classroom(options: { persistence: boolean } = { persistence: true }) {
    const mosquitto: MosquittoBroker = await startMosquitto({ persistence: options.persistence, extraConfig: [...SERVER_MOSQUITTO_SETTINGS] });
    cleanups.push(() => mosquitto.dispose());
    const data = tempDataDir();
    cleanups.push(() => data.remove());
    let server: TestServer = await startTestServer({ MQTT_URL: mosquitto.url }, { brokerWaitMs: 5_000, dataDir: data.dir });
    cleanups.push(() => server.dispose());
    openPoll(server.running, 'cours', OPTIONS, 'every-press');
    await until(() => server.running.status().mqttConnected, 'the server on the broker', 10_000);
    const agent = new AgentProcess({ MQTT_URL: mosquitto.url });
    cleanups.push(() => agent.dispose());
    return {
      mosquitto,
      agent,
      tally: () => server.running.polls.get('cours').tally,
      /**
       * Resolves once everything the broker took before now has reached the server:
       * a marker vote for a poll that does not exist, published now, is queued for
       * the server after every vote the agent had sent (and had PUBACKed), so once
       * the server has rejected it, a late resend or redelivery would have shown.
       */
      drained: async (marker: string) => {
        const rejected = () => Object.values(server.running.status().rejectedBy).reduce((a, b) => a + b, 0);
        const before = rejected();
        const client = await connectClient(mosquitto.url);
        try {
          await client.publishAsync('classroom/votes/no-such-poll', jsonVote(marker, 'A', 'marker'), { qos: 1 });
          await until(() => rejected() > before, 'the marker vote rejected by the server', 20_000);
        } finally {
          await closeClient(client);
        }
      },
      stopServer: () => server.dispose(),
      /** The same server again on its database, as after a restart. */
      startServer: async () => {
        server = await startTestServer({ MQTT_URL: mosquitto.url }, { brokerWaitMs: 5_000, dataDir: data.dir });
        cleanups.push(() => server.dispose());
      },
    };
  }

  it('broker down, 200 presses, agent SIGKILLed, both restarted: each vote counted once, outbox empty', async () => {
    const { mosquitto, agent, tally, drained } = await classroom({ persistence: true });
    await mosquitto.stop();
    agent.start(deviceConfig(200, 200));
    // Every press is on disk before the agent could send anything.
    await agent.waitForOutbox(DEVICE, (n) => n === 200, '200 votes', 30_000);
    expect((await agent.kill('SIGKILL')).signal).toBe('SIGKILL');
    expect(tally().total).toBe(0);

    await mosquitto.start();
    agent.start(deviceConfig(0, 1));
    await until(() => tally().total >= 200 && agent.outboxCount(DEVICE) === 0, '200 counted and an empty outbox', 40_000, () => `${JSON.stringify(tally())}\n${agent.output}`);
    expect(agent.output).toContain('200 votes from before the restart');
    // Late resends would show up here: once the marker behind them is through, the tally must not have moved.
    await drained('marker-1');
    expect(tally()).toMatchObject({ total: 200, rejected: 0, counts: Object.fromEntries(OPTIONS.map((o) => [o, 50])) });
    expect(agent.outboxCount(DEVICE)).toBe(0);
    expect(await agent.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('broker SIGKILLed in the middle of a press stream, with acknowledged votes queued in it: still each vote exactly once', async () => {
    // No persistence: the crash loses every vote the broker had acknowledged but not
    // yet delivered (the worst case; with persistence, those since the last save).
    const { mosquitto, agent, tally, stopServer, startServer, drained } = await classroom({ persistence: false });
    agent.start(deviceConfig(200, 40));
    await until(() => tally().total >= 40, 'the first votes counted', 30_000, () => agent.output);
    // The server steps away: the broker PUBACKs the next votes and queues them for
    // the server's persistent session...
    await stopServer();
    const countedBefore = tally().total;
    // (votes sent and PUBACKed but without a receipt stay in the agent's outbox)
    await until(() => agent.outboxCount(DEVICE) >= 20, 'votes queued in the broker for the stopped server', 30_000, () => agent.output);
    // ...and dies with them.
    await mosquitto.kill();
    await mosquitto.start();
    await startServer();
    await until(() => tally().total >= 200 && agent.outboxCount(DEVICE) === 0, '200 counted and an empty outbox', 60_000, () => `${JSON.stringify(tally())}\n${agent.output}`);
    await drained('marker-2');
    expect(countedBefore).toBeLessThan(160);
    expect(tally()).toMatchObject({ total: 200, rejected: 0, counts: Object.fromEntries(OPTIONS.map((o) => [o, 50])) });
    expect(agent.outboxCount(DEVICE)).toBe(0);
    expect(await agent.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 120_000);
});
