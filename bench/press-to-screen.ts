/**
 * Press to screen: simulated presses in the real device agent (a child process)
 * -> broker -> server (a child process) -> coalesced tally snapshot -> WebSocket ->
 * kiosk in headless Chromium, timed from the press (the simulated button going
 * down) to the DOM change of the counts. The floor in the same run: the same
 * kiosk counting raw votes itself, published straight to the broker at the same
 * cadence (publish -> broker -> WebSocket -> page, no server, no agent).
 */
import type { Browser, Page } from 'playwright-core';
import { closeClient, connectClient } from '../test/harness/mqtt.js';
import { type Entry, cpuSeconds, deviceUnitNodeOptions, rssMb, sampleRss, spawnChild } from './lib/children.js';
import { type BenchHub, PREFIX } from './lib/hub.js';
import { closePage, latencies, openKiosk, waitShown, wsSeen } from './lib/kiosk.js';
import { type Row, fmt } from './lib/report.js';
import { type FloorTimes, type StageTimes } from './lib/stages.js';
import { percentile } from './lib/stats.js';

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  shown: number;
  presses: number;
  /** Presses per second actually made (timers cannot always keep 1,000/s). */
  rate: number;
}

export interface AgentRun extends Latency {
  /** Spawn -> the agent's `online` on the broker (its first publish). */
  startupMs: number;
  agentIdleMb: number;
  agentPeakMb: number;
  hubIdleMb: number;
  hubPeakMb: number;
  /** The kiosk page's main thread: CDP TaskDuration over wall time while the presses were shown. */
  kioskBusy: number;
  /** The server's CPU (its process, the embedded broker inside when there is one) over the same span, a share of one core. */
  hubCpu: number;
  /** Snapshots the server published per second of presses. */
  snapshotsPerSecond: number;
  /** What the stage probes saw (bench/lib/stages.ts). */
  stages: StageTimes;
}

export interface FloorRun extends Latency {
  stages: FloorTimes;
}

const START_AFTER_MS = 1_500;

function summarise(presses: readonly number[], changes: readonly [number, number][]): Latency {
  const { ms } = latencies(presses, changes);
  const span = (presses.at(-1) ?? 0) - (presses[0] ?? 0);
  return {
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    shown: ms.length,
    presses: presses.length,
    rate: presses.length > 1 && span > 0 ? ((presses.length - 1) * 1000) / span : Number.NaN,
  };
}

export async function agentToScreen(browser: Browser, hub: BenchHub, entries: Record<Entry, string>, rate: number, count: number): Promise<AgentRun> {
  const pollId = await hub.openPoll(`p2s${rate}`);
  const { deviceId, env } = hub.device();
  let page: Page | null = null;
  const watcher = await connectClient(hub.mqttUrl, { clean: true });
  let agent: ReturnType<typeof spawnChild> | null = null;
  try {
    page = await openKiosk(browser, `${hub.httpUrl}/kiosk?poll=${pollId}`, 4, { wsProbe: true });
    const statusTopic = `${PREFIX}/devices/${deviceId}/status`;
    const tallyTopic = `${PREFIX}/tally/${pollId}`;
    // A plain MQTT client beside the kiosk: when the broker delivers each snapshot.
    const benchSeen: [number, number][] = [];
    const online = new Promise<number>((resolve) => {
      watcher.on('message', (topic, payload, packet) => {
        if (topic === tallyTopic) benchSeen.push([(JSON.parse(payload.toString()) as { total: number }).total, Date.now()]);
        else if (topic === statusTopic && !packet.retain && payload.toString() === 'online') resolve(Date.now());
      });
    });
    await watcher.subscribeAsync([statusTopic, tallyTopic], { qos: 1 });
    hub.child.send({ type: 'probe', pollId });
    await hub.child.next('probing');
    const hubIdleMb = rssMb(hub.child.pid);
    agent = spawnChild(entries.agent, {
      ...env,
      // As the unit runs it (deploy/systemd/mqtt-classroom-device.service).
      NODE_OPTIONS: deviceUnitNodeOptions(),
      BENCH_STAGES: '1',
      BENCH_DEVICE: JSON.stringify({
        deviceId,
        inputs: [{ type: 'simulation', buttons: 4, ratePerSecond: rate, count, startAfterMs: START_AFTER_MS }],
        outbox: { maxInFlight: 1_000 },
      }),
    });
    const startupMs = (await online) - agent.spawnedAt;
    await agent.next('ready');
    // It follows the poll opened last; the presses start START_AFTER_MS after start-up.
    const deadline = agent.spawnedAt + START_AFTER_MS + startupMs;
    while (!(await agent.next<{ line: string }>('poll-known', Math.max(1, deadline - Date.now()))).line.includes(pollId));
    const agentIdleMb = rssMb(agent.pid);
    const agentPeak = sampleRss(agent.pid);
    const hubPeak = sampleRss(hub.child.pid);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskSeconds = async () => ((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.find((m) => m.name === 'TaskDuration')?.value ?? Number.NaN;
    const [task0, cpu0] = [await taskSeconds(), cpuSeconds(hub.child.pid)];
    const changes = await waitShown(page, count, START_AFTER_MS + (count / rate) * 1000 + 15_000);
    const [task1, cpu1] = [await taskSeconds(), cpuSeconds(hub.child.pid)];
    agent.send({ type: 'presses' });
    const { times, stages: agentSide } = await agent.next<{ times: number[]; stages: StageTimes['agent'] }>('presses');
    hub.child.send({ type: 'stages' });
    const serverSide = await hub.child.next<{ votes: StageTimes['server']; snapshots: StageTimes['snapshots'] }>('stages');
    const frames = await wsSeen(page, tallyTopic);
    const stages: StageTimes = { presses: times, agent: agentSide, server: serverSide.votes, snapshots: serverSide.snapshots, bench: benchSeen, frames, changes };
    // Per second of presses (first press -> last change on screen); the idle wait
    // before the first press adds the page's idle cost (~2 %) to both intervals alike.
    const span = Math.max(1, ((changes.at(-1)?.[1] ?? 0) - (times[0] ?? 0)) / 1000);
    const kioskBusy = (task1 - task0) / span;
    const hubCpu = (cpu1 - cpu0) / span;
    const snapshotsPerSecond = serverSide.snapshots.length / span;
    return { ...summarise(times, changes), startupMs, agentIdleMb, agentPeakMb: agentPeak(), hubIdleMb, hubPeakMb: hubPeak(), kioskBusy, hubCpu, snapshotsPerSecond, stages };
  } finally {
    await agent?.stop();
    await closePage(page);
    await closeClient(watcher);
  }
}

/** The floor: the kiosk counts raw votes itself, published at the simulation's cadence. */
export async function rawToScreen(browser: Browser, hub: BenchHub, rate: number, count: number): Promise<FloorRun> {
  // A chat topic: any client may publish and read it, and the server ignores it.
  const topic = `${PREFIX}/chat/floor${rate}-${Date.now()}`;
  let page: Page | null = null;
  const publisher = await connectClient(hub.mqttUrl, { clean: true });
  try {
    page = await openKiosk(browser, `${hub.httpUrl}/kiosk?poll=none&topic=${encodeURIComponent(topic)}&options=A,B,C,D`, 4, { wsProbe: true });
    const presses: number[] = [];
    await new Promise<void>((resolve, reject) => {
      // The same chained timer as the simulated input, so both get the same cadence.
      const press = () => {
        const n = presses.length;
        const ts = Date.now();
        presses.push(ts);
        const payload = JSON.stringify({ id: `floor-${rate}-${n}-${ts}`, option: 'ABCD'[n % 4], voter: 'bench-floor', source: 'simulation', ts });
        publisher.publish(topic, payload, { qos: 1 }, (error) => error && reject(error));
        if (presses.length >= count) resolve();
        else setTimeout(press, 1000 / rate);
      };
      press();
    });
    const changes = await waitShown(page, count, 15_000);
    const frames = await wsSeen(page, topic);
    return { ...summarise(presses, changes), stages: { presses, frames, changes } };
  } finally {
    await closePage(page);
    await closeClient(publisher);
  }
}

/** One press-to-screen row: the run beside its floor, the kiosk's and the server's CPU in the note. */
export function pressRow(broker: string, rate: number, run: AgentRun, floor: Latency, intervalMs: number): Row {
  const ms = (v: number) => fmt(v, '', 0);
  return {
    benchmark: `press to screen p50/p95/p99${intervalMs === DEFAULT_TALLY_INTERVAL_MS ? '' : `, TALLY_INTERVAL_MS=${intervalMs}`}`,
    case: `${broker}, ${rate}/s asked, ${fmt(run.rate, '/s', 0)} made, ${run.shown.toLocaleString('en-US')}/${run.presses.toLocaleString('en-US')} shown`,
    figure: `${ms(run.p50)} / ${ms(run.p95)} / ${ms(run.p99)} ms`,
    reference: `floor ${ms(floor.p50)} / ${ms(floor.p95)} / ${ms(floor.p99)} ms (${fmt(floor.rate, '/s', 0)})`,
    ratio: `p99 ${run.p99 >= floor.p99 ? '+' : ''}${ms(run.p99 - floor.p99)} ms`,
    note: `kiosk main thread ${fmt(run.kioskBusy * 100, ' %', 0)} busy, server ${fmt(run.hubCpu * 100, ' %', 0)} of a core, ${fmt(run.snapshotsPerSecond, ' snapshots/s', 0)}; floor: raw publish -> broker -> kiosk, no server`,
  };
}

/** SPEC §5's default: at most one snapshot per poll every 50 ms. */
export const DEFAULT_TALLY_INTERVAL_MS = 50;
