import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../device/agent.js';
import { parseDeviceConfig } from '../../device/config.js';
import type { SimulationInput } from '../../device/inputs/simulation.js';
import { loadDeviceEnv } from '../../runtime/env.js';
import { encodePoll } from '../../shared/codecs/poll.js';
import { samplePoll } from '../../shared/poll.js';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { type Received, closeClient, collect, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { until as waitUntil } from '../harness/wait.js';
import { captureLogger } from './helpers/logs.js';
import { TestReceiptResponder } from './helpers/receipt-responder.js';

const until = (check: () => boolean, what: string) => waitUntil(check, what, { timeout: 10_000, interval: 20 });

describe.skipIf(!canRun('mosquitto'))('the agent against Mosquitto (receipts from a test responder)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(device: object, extraEnv: Record<string, string> = {}) {
    const broker: MosquittoBroker = await startMosquitto();
    cleanups.push(() => broker.dispose());
    const dataDir = mkdtempSync(join(tmpdir(), 'agent-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const watcher: MqttClient = await connectClient(broker.url);
    cleanups.push(() => closeClient(watcher));
    const responder = await TestReceiptResponder.start(broker.url);
    cleanups.push(() => responder.stop());
    const log = captureLogger();
    const env = loadDeviceEnv({ env: { MQTT_URL: broker.url, DATA_DIR: dataDir, ...extraEnv }, dotenvPath: null });
    const agent = new Agent({ env, config: parseDeviceConfig({ deviceId: 'box-1', ...device }), logger: log.logger, backoff: { initialMs: 100, maxMs: 500 } });
    cleanups.push(() => agent.stop());
    return { broker, watcher, responder, agent, log };
  }

  const openPoll = (watcher: MqttClient, id: string, openedAt: number, state: 'open' | 'closed' = 'open') =>
    watcher.publishAsync(`classroom/polls/${id}`, encodePoll({ ...samplePoll(id), state, openedAt }), { qos: 1, retain: true });

  it('simulated presses arrive as valid votes on the open poll, and the outbox empties on the receipts', async () => {
    const { watcher, responder, agent } = await setup({ inputs: [{ type: 'simulation', buttons: 4, count: 0 }] });
    await openPoll(watcher, 'cours', 1_000);
    const events = collect(watcher, 'classroom/devices/box-1/buttons/+', 8);
    await events.subscribed;
    await agent.start();
    await until(() => agent.targetPoll()?.id === 'cours', 'the agent to follow poll cours');
    const sim = agent.inputList[0] as SimulationInput;
    for (const button of ['1', '2', '3', '4', '1', '1', '4', '2']) {
      sim.inject(button, true);
      sim.inject(button, false);
    }
    await responder.waitCounted(8);
    await until(() => agent.outboxSize === 0, 'an empty outbox');
    expect(responder.invalid).toEqual([]);
    expect(responder.duplicates).toBe(0);
    // Buttons vote for their position in the poll's options.
    const sample = samplePoll().options.map((o) => o.id);
    expect(responder.votes.map((v) => v.option)).toEqual([1, 2, 3, 4, 1, 1, 4, 2].map((n) => sample[n - 1]));
    for (const vote of responder.votes) {
      // The voter is the device's secret, not its public id; receipts go to its client id.
      expect(vote).toMatchObject({ source: 'simulation', reply: 'mqtt-classroom-device-box-1' });
      expect(vote.voter).toMatch(/^dev-[0-9a-f]{32}$/);
      expect(vote.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Math.abs(vote.ts - Date.now())).toBeLessThan(60_000);
    }
    expect(new Set(responder.votes.map((v) => v.id)).size).toBe(8);
    const buttonEvents = (await events).map((e: Received) => [e.topic.split('/').pop(), JSON.parse(e.payload).event]);
    expect(buttonEvents).toEqual([1, 2, 3, 4, 1, 1, 4, 2].map((n) => [String(n), 'press']));
  });

  it('connects as mqtt-classroom-device-<id>, or with the private MQTT_CLIENT_ID when one is set', async () => {
    const plain = await setup({ inputs: [{ type: 'simulation', buttons: 1, count: 0 }] });
    await plain.agent.start();
    await expect.poll(() => plain.broker.log(), { timeout: 5_000 }).toMatch(/New client connected from .* as mqtt-classroom-device-box-1 /);
    const custom = await setup({ inputs: [{ type: 'simulation', buttons: 1, count: 0 }] }, { MQTT_CLIENT_ID: 'box-1-9d2e41' });
    await custom.agent.start();
    await expect.poll(() => custom.broker.log(), { timeout: 5_000 }).toMatch(/New client connected from .* as box-1-9d2e41 /);
    expect(custom.broker.log()).not.toContain('as mqtt-classroom-device-box-1 ');
  });

  it('follows the open poll as the teacher opens the next one', async () => {
    const { watcher, responder, agent } = await setup({ inputs: [{ type: 'simulation', buttons: 2, count: 0 }] });
    await agent.start();
    await openPoll(watcher, 'q1', 1_000);
    await until(() => agent.targetPoll()?.id === 'q1', 'poll q1');
    const sim = agent.inputList[0] as SimulationInput;
    sim.inject('1', true);
    sim.inject('1', false);
    await responder.waitCounted(1);
    await openPoll(watcher, 'q1', 1_000, 'closed');
    await openPoll(watcher, 'q2', 2_000);
    await until(() => agent.targetPoll()?.id === 'q2', 'poll q2');
    sim.inject('2', true);
    sim.inject('2', false);
    await responder.waitCounted(2);
    expect(responder.votes.map((v) => v.option)).toEqual(['IFT1215', 'MAT1400']);
  });

  it('a press with no open poll known is stored and sent for the hub to resolve (SPEC §5), not dropped', async () => {
    const { responder, agent } = await setup({ inputs: [{ type: 'simulation', buttons: 2, count: 0 }] });
    await agent.start();
    const sim = agent.inputList[0] as SimulationInput;
    sim.inject('1', true);
    // The test responder does not resolve presses: it sets them aside, and the press waits in the outbox.
    await until(() => responder.invalid.length > 0, 'the press to reach the broker');
    expect(responder.invalid[0]?.topic).toBe('classroom/votes/@open');
    expect(JSON.parse(responder.invalid[0]?.payload ?? '{}')).toMatchObject({ position: 1, source: 'simulation' });
    expect(agent.outboxSize).toBe(1);
  });

  it('keeps votes without a receipt and sends them again with the same id', async () => {
    const { responder, agent } = await setup({
      pollId: 'cours',
      outbox: { receiptTimeoutMs: 300 },
      inputs: [{ type: 'simulation', buttons: [{ press: { vote: 'IFT1215' } }], count: 0 }],
    });
    responder.answering = false;
    await agent.start();
    const sim = agent.inputList[0] as SimulationInput;
    sim.inject('1', true);
    await until(() => responder.votes.length >= 3, 'the vote sent three times');
    expect(new Set(responder.votes.map((v) => v.id)).size).toBe(1);
    expect(agent.outboxSize).toBe(1);
    responder.answering = true;
    await until(() => agent.outboxSize === 0, 'the receipt to empty the outbox');
  });

  it('publishes Home Assistant discovery, retained, and again when Home Assistant says online', async () => {
    const { broker, watcher, agent } = await setup({
      homeAssistant: true,
      inputs: [{ type: 'simulation', buttons: 2, count: 0 }],
      bread: { sensor: { type: 'simulated' }, intervalMs: 1_000 },
    });
    const live = collect(watcher, 'homeassistant/+/+/+/config', 4);
    await live.subscribed;
    await agent.start();
    await live;
    // A client that subscribes later (Home Assistant after a restart) gets them retained.
    const late = await connectClient(broker.url);
    cleanups.push(() => closeClient(late));
    const retained = await collect(late, 'homeassistant/+/+/+/config', 4);
    expect(retained.every((m) => m.retain)).toBe(true);
    for (const message of retained) {
      const config = JSON.parse(message.payload) as Record<string, unknown>;
      expect(config).toMatchObject({ unique_id: expect.any(String), state_topic: expect.any(String), device: expect.any(Object), availability: expect.any(Array) });
    }
    // On the watcher's subscription from above, not a new one: subscribing again
    // would bring the retained copies back and prove nothing. What comes live now
    // (retain flag clear) is the agent publishing again.
    const again: string[] = [];
    watcher.on('message', (topic, _payload, packet) => {
      if (/^homeassistant\/.+\/config$/.test(topic) && !packet.retain) again.push(topic);
    });
    await watcher.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await until(() => again.length >= 4, 'the discovery published again');
    expect(again.sort()).toEqual(retained.map((m) => m.topic).sort());
  });
});
