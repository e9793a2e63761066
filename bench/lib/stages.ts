/**
 * Press to screen, stage by stage: the probes' times (all Date.now(), one wall
 * clock for the agent, the server, the bench and the page) put together per press.
 * Press k is the k-th vote the agent made; a snapshot, a bench delivery, a frame or
 * a DOM change "shows" it when its total is k or more (as bench/lib/kiosk.ts's
 * `latencies`). Each stage is the time from the previous point to the next.
 */
import { fmt } from './report.js';
import type { Row } from './report.js';
import { percentile } from './stats.js';

/** What the probes recorded for one agent run. */
export interface StageTimes {
  /** The press of each vote, in order (bench/proc/agent.ts). */
  presses: readonly number[];
  /** Per vote, in press order: [id, outbox commit returned, PUBLISH handed to MQTT.js]. */
  agent: readonly [string, number | null, number | null][];
  /** Per vote id: [id, ingest, group commit began, commit returned] (bench/proc/hub.ts). */
  server: readonly [string, number, number | null, number | null][];
  /** [total, at] of each snapshot the server published. */
  snapshots: readonly [number, number][];
  /** [total, at] of each snapshot a plain MQTT client in the bench received. */
  bench: readonly [number, number][];
  /** [total, at] of each snapshot in the kiosk's WebSocket frames. */
  frames: readonly [number, number][];
  /** [sum on screen, at] of each DOM change. */
  changes: readonly [number, number][];
}

/** The floor's two stages: publish -> the kiosk's frame -> the DOM. */
export interface FloorTimes {
  presses: readonly number[];
  frames: readonly [number, number][];
  changes: readonly [number, number][];
}

export interface Stage {
  name: string;
  p50: number;
  p99: number;
  n: number;
}

/** For k = 1..n, the time of the first entry whose total is k or more (null when none). */
function shownAt(list: readonly [number, number][], n: number): (number | null)[] {
  const out: (number | null)[] = [];
  let c = 0;
  for (let k = 1; k <= n; k += 1) {
    while (c < list.length && (list[c]?.[0] ?? 0) < k) c += 1;
    out.push(list[c]?.[1] ?? null);
  }
  return out;
}

function stage(name: string, from: readonly (number | null)[], to: readonly (number | null)[]): Stage {
  const ms: number[] = [];
  for (let i = 0; i < from.length; i += 1) {
    const a = from[i];
    const b = to[i];
    if (a !== null && a !== undefined && b !== null && b !== undefined) ms.push(b - a);
  }
  return { name, p50: percentile(ms, 50), p99: percentile(ms, 99), n: ms.length };
}

export function agentStages(t: StageTimes): Stage[] {
  const n = t.agent.length;
  const server = new Map(t.server.map(([id, ...rest]) => [id, rest] as const));
  const press = t.presses.slice(0, n) as (number | null)[];
  const committed = t.agent.map((a) => a[1]);
  const published = t.agent.map((a) => a[2]);
  const received = t.agent.map(([id]) => server.get(id)?.[0] ?? null);
  const flushed = t.agent.map(([id]) => server.get(id)?.[1] ?? null);
  const stored = t.agent.map(([id]) => server.get(id)?.[2] ?? null);
  const snapshot = shownAt(t.snapshots, n);
  const bench = shownAt(t.bench, n);
  const frame = shownAt(t.frames, n);
  const dom = shownAt(t.changes, n);
  return [
    stage('agent: press -> outbox commit returned', press, committed),
    stage('agent: commit -> PUBLISH written', committed, published),
    stage('agent socket -> broker -> server ingest', published, received),
    stage('server: ingest -> its group commit begins', received, flushed),
    stage('server: group commit (SQLite, fsync)', flushed, stored),
    stage('server: commit -> snapshot published', stored, snapshot),
    stage('broker -> kiosk WebSocket frame', snapshot, frame),
    stage('kiosk: frame -> DOM change', frame, dom),
    stage('total: press -> DOM change', press, dom),
    stage('(beside) snapshot -> a plain MQTT client in the bench', snapshot, bench),
  ];
}

export function floorStages(t: FloorTimes): Stage[] {
  const n = t.presses.length;
  const frame = shownAt(t.frames, n);
  const dom = shownAt(t.changes, n);
  return [stage('floor: publish -> kiosk WebSocket frame', t.presses, frame), stage('floor: frame -> DOM change', frame, dom)];
}

/** One row per stage, the floor's matching stage as the reference where there is one. */
export function stageRows(broker: string, rate: number, stages: readonly Stage[], floor: readonly Stage[], label = ''): Row[] {
  const ms = (s: Stage | undefined) => (s === undefined ? '-' : `${fmt(s.p50, '', 0)} / ${fmt(s.p99, '', 0)} ms`);
  const reference = (name: string) => {
    if (name.startsWith('broker -> kiosk')) return `floor publish -> frame ${ms(floor[0])}`;
    if (name.startsWith('kiosk:')) return `floor frame -> DOM ${ms(floor[1])}`;
    return '-';
  };
  return stages.map((s) => ({
    benchmark: `press to screen by stage p50 / p99${label}`,
    case: `${broker}, ${rate}/s: ${s.name}`,
    figure: ms(s),
    reference: reference(s.name),
    ratio: '-',
    note: `${s.n.toLocaleString('en-US')} presses timed`,
  }));
}
