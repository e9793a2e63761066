/**
 * The embedded hub's own session is inside its broker (InProcessLink): no MQTT
 * socket from the server to itself, so a vote and its receipt cross the MQTT
 * codec once each (the voter's), not three times more on the server's one thread
 * (issue 17, docs/performance.md "the hub inside its broker"). Counted from the
 * kernel's table of TCP connections, which sees every socket of this process.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { closeClient, connectClient } from '../../harness/mqtt.js';
import { type TestServer, clientIdOf, jsonVote, openPoll, receiptCollector, startTestServer, waitForTally } from '../helpers.js';

/** Ends of ESTABLISHED TCP connections with `port` on either side (two per loopback connection). */
function establishedEnds(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let ends = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let table = '';
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of table.split('\n').slice(1)) {
      const [, local, remote, state] = line.trim().split(/\s+/);
      if (state === '01' && (local?.endsWith(`:${hex}`) || remote?.endsWith(`:${hex}`))) ends += 1;
    }
  }
  return ends;
}

describe.skipIf(process.platform !== 'linux')('the embedded hub in its broker', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.dispose();
    server = null;
  });

  it('opens no MQTT connection to its own broker, yet takes votes and answers receipts', async () => {
    server = await startTestServer();
    const { running } = server;
    const port = running.mqttPort as number;
    expect(running.status().mqttConnected).toBe(true);
    // Only the hub now: with its link as an MQTT client there were 2 ends (its socket and aedes').
    expect(establishedEnds(port)).toBe(0);

    const voter = await connectClient(running.mqttUrl);
    try {
      // One outside client: 2 ends, the count sees loopback connections to this port.
      expect(establishedEnds(port)).toBe(2);
      openPoll(running, 'p1', ['A', 'B']);
      const receipts = receiptCollector(voter, 'classroom');
      await voter.subscribeAsync(`classroom/receipts/${clientIdOf(voter)}`, { qos: 1 });
      voter.publish('classroom/votes/p1', jsonVote('v1', 'A', 'ana', Date.now(), clientIdOf(voter)), { qos: 1 });
      await receipts.waitFor(1);
      expect(receipts.byId.get('v1')).toEqual([{ status: 'counted' }]);
      const tally = await waitForTally(voter, 'classroom', 'p1', (t) => t.total === 1);
      expect(tally.counts).toEqual({ A: 1, B: 0 });
    } finally {
      await closeClient(voter);
    }
  });
});
