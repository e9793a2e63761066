import { afterEach, describe, expect, it } from 'vitest';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';
import { type TestServer, admin, openPoll, startTestServer, tempDataDir, waitForTally } from './helpers.js';

describe('the legacy vote topic (VOTE_TOPIC=test/phone)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("counts the course page's plain votes for the poll opened last, and refuses them when none is open", async () => {
    const server: TestServer = await startTestServer({ VOTE_TOPIC: 'test/phone' });
    cleanups.push(() => server.dispose());
    const phone = await connectClient(server.running.mqttUrl);
    cleanups.push(() => closeClient(phone));

    await phone.publishAsync('test/phone', 'IFT1215', { qos: 1 });
    // The broker acknowledged it; wait until the server has handled it too.
    await expect.poll(() => server.running.status().rejectedBy['poll-closed'], { interval: 5 }).toBe(1);
    openPoll(server.running, 'older', ['IFT1215', 'MAT1400']);
    openPoll(server.running, 'cours', ['IFT1215', 'MAT1400']);
    for (const option of ['IFT1215', 'MAT1400', 'IFT1215']) await phone.publishAsync('test/phone', option, { qos: 1 });

    const tally = await waitForTally(phone, 'classroom', 'cours', (s) => s.total === 3);
    expect(tally.counts).toEqual({ IFT1215: 2, MAT1400: 1 });
    expect(server.running.polls.get('older').tally.total).toBe(0);
    const status = await admin(server.running, 'GET', '/api/status');
    expect(status.json.rejectedBy).toEqual({ 'poll-closed': 1 });
  });

  it.skipIf(!canRun('mosquitto'))('does not count a retained vote again each time the server comes back', async () => {
    const mosquitto: MosquittoBroker = await startMosquitto();
    cleanups.push(() => mosquitto.dispose());
    const data = tempDataDir();
    cleanups.push(async () => data.remove());
    const env = { VOTE_TOPIC: 'test/phone', MQTT_URL: mosquitto.url };
    const first = await startTestServer(env, { dataDir: data.dir });
    openPoll(first.running, 'cours', ['IFT1215', 'MAT1400']);
    const phone = await connectClient(mosquitto.url);
    cleanups.push(() => closeClient(phone));
    // A phone app with "retain" ticked: the broker keeps this vote forever.
    await phone.publishAsync('test/phone', 'IFT1215', { qos: 1, retain: true });
    await waitForTally(phone, 'classroom', 'cours', (s) => s.total === 1);
    await first.dispose();

    const second = await startTestServer(env, { dataDir: data.dir });
    cleanups.push(() => second.dispose());
    // The restarted server got the retained copy with its subscription; a plain
    // vote sent after it shows the copy was already handled, and ignored.
    await phone.publishAsync('test/phone', 'MAT1400', { qos: 1 });
    const tally = await waitForTally(phone, 'classroom', 'cours', (s) => s.counts.MAT1400 === 1);
    expect(tally.counts).toEqual({ IFT1215: 1, MAT1400: 1 });
  });
});
