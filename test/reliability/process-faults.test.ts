import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { canRun } from '../harness/system-deps.js';
import { SERVER_MOSQUITTO_SETTINGS } from '../server/mosquitto-settings.js';
import { Figures, scale } from './figures.js';
import { type AgentProcess, ServerProcess, waitFor } from './processes.js';
import { type RunOptions, type RunResult, type StreamShape, expectEveryVoteCountedOnce, openPollAndRun, runFigure } from './voting-run.js';

/**
 * Item 2 of the reliability issue: while agent processes vote, Mosquitto (with
 * persistence) is killed and restarted, the server is SIGKILLed and restarted, an
 * agent is SIGKILLed and restarted, then all three at once. After each, the
 * tally must equal exactly the votes the agents accepted.
 */
const STREAM: StreamShape = { agents: 3, votesEach: scale(120, 1_000), ratePerSecond: scale(60, 150), options: ['A', 'B', 'C', 'D'] };

const figures = new Figures('process-faults');
afterAll(() => figures.write());

describe.skipIf(!canRun('mosquitto'))('process faults during a stream of votes (Mosquitto with persistence)', { timeout: scale(90_000, 600_000) }, () => {
  let mosquitto: MosquittoBroker;
  let server: ServerProcess;
  const dataDir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-faults-'));

  beforeAll(async () => {
    mosquitto = await startMosquitto({ persistence: true, extraConfig: [...SERVER_MOSQUITTO_SETTINGS] });
    server = new ServerProcess({ MQTT_URL: mosquitto.url, DATA_DIR: join(dataDir, 'server') });
    await server.start();
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await mosquitto?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * The outage lasts until the agents still running have accepted `presses` more
   * presses (they keep pressing, into their outboxes): a downtime measured in
   * votes that must survive it, not in wall time.
   */
  async function outage(agents: AgentProcess[], what: string, presses = 30): Promise<void> {
    const accepted = () => agents.reduce((n, agent) => n + (agent.running ? agent.pressedFromLog().length : 0), 0);
    const before = accepted();
    await waitFor(() => accepted() >= before + presses, `${presses} presses made while ${what}`);
  }

  async function run(pollId: string, what: string, fault: RunOptions['fault']): Promise<RunResult> {
    const result = await openPollAndRun({
      ...STREAM,
      server,
      pollId,
      dataDir: join(dataDir, 'agents'),
      agentEnv: () => ({ MQTT_URL: mosquitto.url }),
      faultAt: 0.4,
      fault,
      timeoutMs: scale(45_000, 300_000),
    });
    figures.add(
      runFigure(result, {
        area: 'process faults',
        what,
        where: 'Mosquitto (persistence on), server and agents as processes',
        outcome: `${STREAM.agents} agents × ${STREAM.votesEach} presses, fault after ${result.atFault}; tally ${JSON.stringify(result.counted)}${result.onlyInOutbox > 0 ? `; ${result.onlyInOutbox} found only in an outbox after the kill` : ''}; ${result.seconds.toFixed(0)} s`,
      }),
    );
    // The fault struck in the middle of the stream, not after it.
    expect(result.atFault).toBeLessThan(STREAM.agents * STREAM.votesEach * 0.8);
    expectEveryVoteCountedOnce(result, STREAM);
    return result;
  }

  it('Mosquitto killed (SIGKILL) and restarted: every vote counted once', async () => {
    await run('broker-kill', 'Mosquitto killed (SIGKILL) and restarted', async ({ agents }) => {
      await mosquitto.kill();
      await outage(agents, 'Mosquitto is down');
      await mosquitto.start();
    });
  });

  it('the server killed (SIGKILL) and restarted: every vote counted once', async () => {
    await run('server-kill', 'server killed (SIGKILL) and restarted', async ({ agents }) => {
      expect(await server.stop('SIGKILL')).toBeNull();
      await outage(agents, 'the server is down');
      await server.start();
    });
  });

  it('an agent killed (SIGKILL) and restarted: its outbox delivers what it had accepted', async () => {
    await run('agent-kill', 'an agent killed (SIGKILL) and restarted', async ({ agents, kill, restart }) => {
      const agent = agents[0];
      if (agent === undefined) throw new Error('no agent');
      await kill(agent);
      await outage(agents, 'an agent is down', 20);
      restart(agent);
    });
  });

  it('all three killed at once, then restarted: every vote counted once', async () => {
    await run('all-three', 'Mosquitto, server and an agent killed together', async ({ agents, kill, restart }) => {
      const agent = agents[1];
      if (agent === undefined) throw new Error('no agent');
      await Promise.all([mosquitto.kill(), server.stop('SIGKILL'), kill(agent)]);
      await outage(agents, 'all three are down');
      await mosquitto.start();
      await server.start();
      restart(agent);
    });
  });
});
