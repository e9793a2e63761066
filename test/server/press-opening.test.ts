import { afterEach, describe, expect, it } from 'vitest';
import { encodePress, stampSentAt } from '../../shared/codecs/vote.js';
import { PRESS_TRANSIT_MARGIN_MS } from '../../shared/press-time.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { until } from '../harness/wait.js';
import { type TestServer, openPoll, startTestServer } from './helpers.js';

/**
 * SPEC §5, a press "resolved to the poll that was open when it was made". The hub
 * dates a press by its arrival less the age the device reports; the transit is not in
 * that age, so a press made just before a poll opened can arrive just after. The
 * Mosquitto case of test/device/fresh-device.test.ts counted such a press into the
 * poll (a total of 5 for 4) on a loaded machine. A press dated within the transit
 * margin of an opening is rejected with that reason; one dated past it is counted.
 */
describe('a press dated near the opening of a poll (votes/@open)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is not counted in a poll opened less than the transit margin before it was dated; one dated later is', async () => {
    const server: TestServer = await startTestServer();
    cleanups.push(() => server.dispose());
    const box = await connectClient(server.running.mqttUrl);
    cleanups.push(() => closeClient(box));
    const press = (id: string, position: number) => {
      const now = Date.now();
      // Sent the moment it was made (age 0): as a press made just before the opening
      // whose copy spent a few hundred ms in queues looks to the hub.
      return box.publishAsync('classroom/votes/@open', stampSentAt(encodePress({ id, position, voter: 'box-1', source: 'button', ts: now }), now), { qos: 1 });
    };

    openPoll(server.running, 'q1', ['A', 'B', 'C']);
    const openedAt = server.running.polls.get('q1').poll.openedAt as number;
    await press('early', 1);
    await expect.poll(() => server.running.status().rejectedBy['poll-closed'] ?? 0, { interval: 5 }).toBe(1);
    expect(server.running.polls.get('q1').tally.total).toBe(0);

    await until(() => Date.now() > openedAt + PRESS_TRANSIT_MARGIN_MS, 'the transit margin after the opening', { timeout: PRESS_TRANSIT_MARGIN_MS * 3 });
    await press('later', 2);
    await expect.poll(() => server.running.polls.get('q1').tally.total, { interval: 5 }).toBe(1);
    expect(server.running.polls.get('q1').tally.counts).toEqual({ A: 0, B: 1, C: 0 });
  });
});
