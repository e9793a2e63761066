/**
 * The agent's resident memory without a browser (issue 17, item 4): the real agent
 * (bench/proc/agent.ts) against the server, run with the device unit's
 * `NODE_OPTIONS`, bundled as `npm run build` bundles the device command and, as the
 * same run's reference, unbundled (its dependencies loaded from node_modules, as
 * tsc's dist/ ran it before issue 17 round 3). VmRSS idle (the poll known, presses
 * not started) and the highest 100 ms sample while the server counts the presses.
 */
import { type Entry, deviceUnitNodeOptions, rssMb, sampleRss, spawnChild } from './lib/children.js';
import type { BenchHub } from './lib/hub.js';
import { type Row, fmt } from './lib/report.js';

const START_AFTER_MS = 2_500;

interface Footprint {
  idleMb: number;
  peakMb: number;
  /** Votes the server counted per second of presses. */
  rate: number;
}

async function measure(hub: BenchHub, entry: string, flags: string, presses: number): Promise<Footprint> {
  const pollId = await hub.openPoll('memory');
  const { deviceId, env } = hub.device();
  const before = await hub.counted();
  const agent = spawnChild(entry, {
    ...env,
    NODE_OPTIONS: flags,
    BENCH_DEVICE: JSON.stringify({ deviceId, inputs: [{ type: 'simulation', buttons: 4, ratePerSecond: 1000, count: presses, startAfterMs: START_AFTER_MS }], outbox: { maxInFlight: 1_000 } }),
  });
  try {
    await agent.next('ready');
    while (!(await agent.next<{ line: string }>('poll-known', 15_000)).line.includes(pollId));
    const idleMb = rssMb(agent.pid);
    const peak = sampleRss(agent.pid);
    const deadline = Date.now() + START_AFTER_MS + presses * 10 + 20_000;
    let firstAt = Number.NaN;
    let counted = 0;
    while (counted < presses && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      counted = (await hub.counted()) - before;
      if (counted > 0 && Number.isNaN(firstAt)) firstAt = Date.now();
    }
    return { idleMb, peakMb: peak(), rate: counted / Math.max(0.1, (Date.now() - firstAt) / 1000) };
  } finally {
    await agent.stop();
  }
}

export async function agentMemoryRows(hub: BenchHub, entries: Record<Entry, string>, presses: number): Promise<Row[]> {
  const unit = deviceUnitNodeOptions();
  const ref = await measure(hub, entries['agent-unbundled'], unit, presses);
  const now = await measure(hub, entries.agent, unit, presses);
  return [
    {
      benchmark: 'agent memory (VmRSS) idle / peak, no browser',
      case: `${hub.broker}, ${presses.toLocaleString('en-US')} presses at 1,000/s asked, ${fmt(now.rate, '/s', 0)} counted`,
      figure: `${fmt(now.idleMb, ' MB')} / ${fmt(now.peakMb, ' MB')}`,
      reference: `${fmt(ref.idleMb, ' MB')} / ${fmt(ref.peakMb, ' MB')} unbundled (${fmt(ref.rate, '/s', 0)})`,
      ratio: fmt(now.peakMb - ref.peakMb, ' MB peak', 1),
      note: `goal < 60 MB; NODE_OPTIONS of the unit: ${unit}`,
    },
  ];
}
