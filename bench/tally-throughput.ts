/**
 * Tally throughput: QoS 1 votes with unique ids published as fast as a bounded
 * window of unacknowledged publishes allows, timed until the server's retained
 * snapshot shows them all (accepted, stored, reflected). The snapshots' totals over
 * time also give the rate over the first and the last tenth of the run: flat is
 * the goal as the database grows.
 */
import { randomUUID } from 'node:crypto';
import { closeClient, connectClient } from '../test/harness/mqtt.js';
import { type BenchHub, PREFIX } from './lib/hub.js';

export interface TallyResult {
  votes: number;
  perSecond: number;
  firstTenthPerSecond: number;
  lastTenthPerSecond: number;
}

export async function tallyThroughput(hub: BenchHub, policy: 'every-press' | 'one-per-voter', votes: number, inflight = 500): Promise<TallyResult> {
  const pollId = await hub.openPoll(policy === 'every-press' ? 'tp-every' : 'tp-once', policy);
  const tallyTopic = `${PREFIX}/tally/${pollId}`;
  const voteTopic = `${PREFIX}/votes/${pollId}`;
  const watcher = await connectClient(hub.mqttUrl, { clean: true });
  const publisher = await connectClient(hub.mqttUrl, { clean: true });
  try {
    const seen: [number, number][] = [];
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tally ${policy}: ${seen.at(-1)?.[0] ?? 0} of ${votes} votes shown after the time limit`)), 60_000 + votes * 5);
      watcher.on('message', (topic, payload) => {
        if (topic !== tallyTopic) return;
        const total = (JSON.parse(payload.toString()) as { total: number }).total;
        seen.push([total, performance.now()]);
        if (total >= votes) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await watcher.subscribeAsync(tallyTopic, { qos: 1 });
    const run = randomUUID().slice(0, 8);
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      let acked = 0;
      const pump = () => {
        while (sent < votes && sent - acked < inflight) {
          const n = sent;
          sent += 1;
          const voter = policy === 'one-per-voter' ? `v${run}-${n}` : `box-${n % 30}`;
          const payload = JSON.stringify({ id: `${run}-${n}`, option: 'ABCD'[n % 4], voter, source: 'button', ts: Date.now() });
          publisher.publish(voteTopic, payload, { qos: 1 }, (error) => {
            if (error) return reject(error);
            acked += 1;
            if (acked === votes) resolve();
            else pump();
          });
        }
      };
      pump();
    });
    await done;
    const at = (fraction: number) => seen.find(([total]) => total >= fraction * votes)?.[1] ?? Number.NaN;
    const tenth = votes / 10;
    return {
      votes,
      perSecond: votes / ((at(1) - started) / 1000),
      firstTenthPerSecond: tenth / ((at(0.1) - started) / 1000),
      lastTenthPerSecond: tenth / ((at(1) - at(0.9)) / 1000),
    };
  } finally {
    await Promise.all([closeClient(watcher), closeClient(publisher)]);
  }
}
