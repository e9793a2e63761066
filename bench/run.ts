/**
 * `npm run bench` prints one table of figures, each beside a reference measured in
 * the same run (the machines are shared and noisy: compare ratios, not absolutes).
 * `npm run bench -- --quick` is the smoke check CI runs: smaller counts, same table.
 * The server and the agent run as child processes; Chromium is Debian's.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../test/harness/browser.js';
import { canRun } from '../test/harness/system-deps.js';
import { buildPages } from '../test/web/helpers.js';
import { agentMemoryRows } from './agent-memory.js';
import { amphitheatre, burstRows } from './amphitheatre.js';
import { brokers } from './brokers.js';
import { clusterRows } from './cluster.js';
import { courseMqttJs, nodeFloor, pageScripts } from './footprint.js';
import { kioskLoad } from './kiosk-load.js';
import { bundleEntries, deviceUnitNodeOptions } from './lib/children.js';
import { type BenchHub, PREFIX, startHub } from './lib/hub.js';
import { type Row, fmt, machine, table } from './lib/report.js';
import { agentStages, floorStages, stageRows } from './lib/stages.js';
import { outboxCommit } from './outbox-commit.js';
import { type AgentRun, DEFAULT_TALLY_INTERVAL_MS, agentToScreen, pressRow, rawToScreen } from './press-to-screen.js';
import { rawPassThrough } from './raw-throughput.js';
import { intervalRows } from './tally-interval.js';
import { tallyThroughput } from './tally-throughput.js';
import { bytesPerMessage } from './wire-bytes.js';

const quick = process.argv.includes('--quick');
/** `--million`: also 1,000,000 every-press votes per broker (not in the default full run: see docs/performance.md). */
const million = !quick && process.argv.includes('--million');
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const n = (value: number) => value.toLocaleString('en-US');
const kb = (bytes: number) => fmt(bytes / 1024, ' KB', 1);

/**
 * `--only=amphitheatre,cluster`: just those parts (names: press, kiosk, tally, memory,
 * amphitheatre, interval, cluster, outbox, footprint, pages, wire); every part by default.
 */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',') ?? null;
const want = (part: string) => only === null || only.includes(part);

const SIZES = quick
  ? {
      presses: [[10, 10], [100, 100], [1000, 300]] as const,
      growth: [2_000, 10_000],
      million: null,
      loadSeconds: 2,
      wire: 50,
      outbox: 200,
      amphitheatre: [200],
      // The agent's memory without a browser: full runs only (the footprint rows give it from the press runs).
      memory: 0,
      // TALLY_INTERVAL_MS=16 beside the default: full runs only (a second server and kiosk per broker).
      interval: [] as (readonly [number, number])[],
      cluster: { phones: 200, failover: 200 },
    }
  : {
      presses: [[10, 100], [100, 1_000], [1000, 3_000]] as const,
      growth: [10_000, 100_000],
      million: million ? 1_000_000 : null,
      loadSeconds: 10,
      wire: 500,
      outbox: 1_000,
      amphitheatre: [1_000, 5_000],
      memory: 6_000,
      interval: [[100, 1_000], [1000, 3_000]] as (readonly [number, number])[],
      cluster: { phones: 10_000, failover: 1_000 },
    };

async function onHub(hub: BenchHub, browser: Browser | null, entries: Awaited<ReturnType<typeof bundleEntries>>, rows: Row[]): Promise<AgentRun | null> {
  const b = hub.broker;
  let busiest: AgentRun | null = null;
  if (browser !== null && want('press')) {
    for (const [rate, count] of SIZES.presses) {
      const floor = await rawToScreen(browser, hub, rate, count);
      const run = await agentToScreen(browser, hub, entries, rate, count);
      if (rate === 1000) busiest = run;
      rows.push(pressRow(b, rate, run, floor, DEFAULT_TALLY_INTERVAL_MS));
      // The stages of the runs that miss their goal by most (10/s is within a few ms of its floor).
      if (rate >= 100) rows.push(...stageRows(b, rate, agentStages(run.stages), floorStages(floor.stages)));
    }
  }
  if (browser !== null && want('kiosk')) {
    const perSecond = 10_000;
    for (const mode of ['server', 'raw'] as const) {
      const r = await kioskLoad(browser, hub, mode, perSecond, SIZES.loadSeconds);
      rows.push({
        benchmark: 'kiosk under load',
        case: `${b}, ${mode === 'server' ? 'server snapshots' : 'kiosk counts raw votes'}, ${n(perSecond)}/s asked for ${SIZES.loadSeconds} s, ${fmt(r.sentPerSecond, '/s', 0)} sent`,
        figure: `${fmt(r.load.fps, ' fps', 0)}, busy ${fmt(r.load.busy * 100, ' %', 0)}, heap ${fmt(r.load.heapMb, ' MB')}`,
        reference: `idle ${fmt(r.idle.fps, ' fps', 0)}, busy ${fmt(r.idle.busy * 100, ' %', 0)}, heap ${fmt(r.idle.heapMb, ' MB')}`,
        ratio: fmt(r.load.fps / r.idle.fps, ' x fps', 2),
        note: `shown ${n(r.shownAtEnd)} of ${n(r.sent)} sent when the stream stopped, ${r.catchUpMs === null ? 'not all within 15 s' : `all ${fmt(r.catchUpMs / 1000, ' s', 1)} later`}`,
      });
    }
  }
  if (!want('tally')) return busiest;
  // As many messages as the largest tally run, so both are timed over the same length.
  const rawCount = Math.max(...SIZES.growth);
  const raw = await rawPassThrough(hub.mqttUrl, rawCount, 500, `${PREFIX}/chat/raw-${randomUUID().slice(0, 8)}`);
  rows.push({
    benchmark: 'raw broker pass-through (QoS 1)',
    case: `${b}, ${n(rawCount)} msgs`,
    figure: fmt(raw.perSecond, ' msg/s', 0),
    reference: '-',
    ratio: '-',
    note: 'one publisher -> one subscriber; the reference below',
  });
  for (const policy of ['every-press', 'one-per-voter'] as const) {
    // --million: 1,000,000 every-press votes too, for the growth from 10k to 1M; the
    // raw reference stays at the 100k run's length.
    const sizes = SIZES.million !== null && policy === 'every-press' ? [...SIZES.growth, SIZES.million] : SIZES.growth;
    for (const votes of sizes) {
      const t = await tallyThroughput(hub, policy, votes);
      rows.push({
        benchmark: 'tally throughput (QoS 1)',
        case: `${b}, ${policy}, ${n(votes)} votes`,
        figure: fmt(t.perSecond, ' votes/s', 0),
        reference: fmt(raw.perSecond, ' msg/s raw', 0),
        ratio: fmt(t.perSecond / raw.perSecond, ' x', 2),
        note: `first tenth ${fmt(t.firstTenthPerSecond, '/s', 0)}, last tenth ${fmt(t.lastTenthPerSecond, '/s', 0)}`,
      });
    }
  }
  return busiest;
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: Row[] = [];
  const pages = await buildPages();
  const entries = await bundleEntries();
  const list = await brokers();
  const browser = canRun('chromium') ? await launchBrowser() : null;
  if (browser === null) process.stderr.write('bench: chromium is not installed, the kiosk figures are left out\n');
  const footprints: { broker: string; run: AgentRun }[] = [];
  // The parts that need a server on each broker; --only=cluster starts none.
  const perBroker = ['press', 'kiosk', 'tally', 'memory', 'amphitheatre', 'interval', 'footprint'].some(want);
  try {
    for (const broker of perBroker ? list : []) {
      const external = broker.name === 'embedded' ? { url: null, wsUrl: null } : { url: broker.url, wsUrl: broker.wsUrl, ...(broker.hubUrl === undefined ? {} : { hubUrl: broker.hubUrl }) };
      const hub = await startHub(entries, pages.dir, { name: broker.name, ...external });
      let stored = { databaseBytes: Number.NaN, counted: 0 };
      // --quick: the browser figures and the amphitheatre on the first broker only (CI's minute).
      const first = !quick || broker === list[0];
      try {
        const run = await onHub(hub, first ? browser : null, entries, rows);
        if (run !== null) footprints.push({ broker: broker.name, run });
        if (broker === list[0] && SIZES.memory > 0 && want('memory')) rows.push(...(await agentMemoryRows(hub, entries, SIZES.memory)));
        if (first && want('amphitheatre')) for (const phones of SIZES.amphitheatre) rows.push(...burstRows(broker.name, await amphitheatre(entries, hub, phones)));
      } finally {
        stored = await hub.stop();
      }
      if (browser !== null && want('interval') && SIZES.interval.length > 0) {
        rows.push(...(await intervalRows(browser, entries, pages.dir, { name: broker.name, ...external }, SIZES.interval, 16)));
      }
      if (stored.counted === 0) continue;
      rows.push({
        benchmark: 'database size per vote',
        case: `${broker.name}, ${n(stored.counted)} votes stored`,
        figure: fmt(stored.databaseBytes / stored.counted, ' B/vote', 0),
        reference: `${JSON.stringify({ id: randomUUID(), option: 'IFT1215', voter: 'boitier-1', source: 'button', ts: Date.now() }).length} B JSON vote`,
        ratio: '-',
        note: 'SQLite file + WAL after the server stopped, minus the empty database',
      });
    }
    if (want('cluster')) {
      if (canRun('redis-server')) rows.push(...(await clusterRows(entries, pages.dir, SIZES.cluster)));
      else process.stderr.write('bench: redis-server is not installed, the cluster rows are left out\n');
    }
    const single = want('outbox') ? await outboxCommit(SIZES.outbox, 0) : null;
    for (const perTurn of single === null ? [] : [1, 10, 100]) {
      const r = await outboxCommit(SIZES.outbox, perTurn);
      rows.push({
        benchmark: 'device outbox presses/s (fsync)',
        case: `${n(r.presses)} presses, ${perTurn} per event-loop turn, group commit`,
        figure: `${fmt(r.perSecond, ' presses/s', 0)}, ${n(r.commits)} commits`,
        reference: `${fmt(single?.perSecond ?? Number.NaN, ' presses/s', 0)}, commit per press`,
        ratio: fmt(r.perSecond / (single?.perSecond ?? Number.NaN), ' x', 1),
        note: 'in the bench process; the file in the temp dir',
      });
    }
    const floor = await nodeFloor(entries);
    for (const { broker, run } of want('footprint') ? footprints : []) {
      rows.push({
        benchmark: 'agent memory (VmRSS) idle / 1,000 presses/s',
        case: `${broker}, ${fmt(run.rate, ' presses/s', 0)} made`,
        figure: `${fmt(run.agentIdleMb, ' MB')} / ${fmt(run.agentPeakMb, ' MB')}`,
        reference: `bare Node ${fmt(floor.rssMb, ' MB')}`,
        ratio: fmt(run.agentPeakMb / floor.rssMb, ' x', 2),
        note: `NODE_OPTIONS of the unit: ${deviceUnitNodeOptions()}`,
      });
      rows.push({
        benchmark: 'server memory (VmRSS) idle / 1,000 presses/s',
        case: `${broker}${broker === 'embedded' ? ' (broker inside)' : ''}`,
        figure: `${fmt(run.hubIdleMb, ' MB')} / ${fmt(run.hubPeakMb, ' MB')}`,
        reference: `bare Node ${fmt(floor.rssMb, ' MB')}`,
        ratio: fmt(run.hubPeakMb / floor.rssMb, ' x', 2),
        note: 'idle: after the earlier benchmarks of this run',
      });
      rows.push({
        benchmark: 'agent start-up to first publish',
        case: `${broker}, spawn -> "online" on the broker`,
        figure: fmt(run.startupMs, ' ms', 0),
        reference: `bare Node spawn -> IPC ${fmt(floor.startupMs, ' ms', 0)}`,
        ratio: fmt(run.startupMs / floor.startupMs, ' x', 1),
      });
    }
    const course = courseMqttJs(ROOT);
    for (const [page, bytes] of want('pages') ? Object.entries(pageScripts(pages.dir)) : []) {
      rows.push({
        benchmark: 'page script bytes raw / gzip',
        case: `/${page}`,
        figure: `${kb(bytes.raw)} / ${kb(bytes.gzip)}`,
        reference: `course mqtt.min.js ${kb(course.raw)} / ${kb(course.gzip)}`,
        ratio: fmt(bytes.gzip / course.gzip, ' x gzip', 2),
        note: 'gzip -9 of every <script src> of the page',
      });
    }
    for (const broker of want('wire') ? list : []) {
      const vote = await bytesPerMessage(
        broker.url,
        'classroom/votes/cours',
        () => JSON.stringify({ id: randomUUID(), option: 'IFT1215', voter: 'boitier-1', source: 'button', ts: Date.now() }),
        1,
        false,
        SIZES.wire,
      );
      rows.push({
        benchmark: 'bytes on the wire per vote',
        case: `${broker.name}, QoS 1 JSON vote`,
        figure: fmt(vote.sentPerMessage + vote.readPerMessage, ' B MQTT', 0),
        reference: fmt(vote.withTcpPerMessage, ' B with TCP/IP', 0),
        ratio: '-',
        note: `PUBLISH ${fmt(vote.sentPerMessage, ' B', 0)} + PUBACK ${fmt(vote.readPerMessage, ' B', 0)}`,
      });
      const reading = await bytesPerMessage(broker.url, 'pain/cuisson/temperature', () => (80 + Math.random() * 10).toFixed(1), 1, true, SIZES.wire);
      rows.push({
        benchmark: 'bytes on the wire per bread reading',
        case: `${broker.name}, retained QoS 1`,
        figure: fmt(reading.sentPerMessage + reading.readPerMessage, ' B MQTT', 0),
        reference: fmt(reading.withTcpPerMessage, ' B with TCP/IP', 0),
        ratio: '-',
      });
    }
  } finally {
    await browser?.close().catch(() => undefined);
    for (const broker of list) await broker.stop();
    pages.remove();
  }
  process.stdout.write(`\nmqtt-classroom benchmarks${quick ? ' (--quick)' : ''} on ${machine()}\n\n${table(rows)}\n\n`);
  process.stdout.write(`finished in ${fmt((performance.now() - started) / 1000, ' s')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
