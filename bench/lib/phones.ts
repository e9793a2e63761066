/**
 * An amphitheatre of phones for the benches: N vote-page connections spread over
 * several load-generator processes (bench/proc/phones.ts), so one process's event
 * loop is not what is measured. Each process reports its own CPU: a share of one
 * core near 1 means the load generator, not the broker, set the pace.
 */
import { type Child, type Entry, spawnChild } from './children.js';
import { percentile } from './stats.js';

/** Phones per load-generator process. */
export const PHONES_PER_PROCESS = 2_500;

/**
 * Phones arrive at this rate (each process opens its share over the same span),
 * a crowd scanning the QR code in a few seconds.
 * Opened all in one turn, 1,000 phones took 11.7 s to connect on the embedded
 * broker: it closes the oldest sockets beyond 256 waiting for their CONNECT (a
 * guard against port scans, server/broker/embedded-broker.ts) and they back off.
 */
export const ARRIVALS_PER_SECOND = 500;

export interface PhoneReport {
  connectMs: number[];
  receiptMs: number[];
  voted: number;
  withoutReceipt: number;
  notVoted: number;
  counts: Record<string, number>;
  sends: number;
  duplicates: number;
  rejected: number;
  reconnectedAt: number[];
  connectedNow: number;
  /** [vote id, first sent, receipt arrived] per phone that voted (epoch ms; null: no receipt yet). */
  stages: [string, number, number | null][];
  cpu: number;
  cpuTotalS: number;
}

export interface Crowd {
  readonly processes: number;
  /** Started opening the phones at this time (epoch ms), over `rampMs`. */
  readonly openedAt: number;
  readonly rampMs: number;
  /** True once every phone had its CONNACK; false at the deadline (the run goes on: late phones vote when they connect). */
  connected(timeoutMs: number): Promise<boolean>;
  /** Each phone votes once, at a random moment in `spreadMs` after it sees `pollId` open. */
  vote(pollId: string, options: readonly string[], spreadMs: number): void;
  /** Every process's report, merged; `cpuMax` is the busiest process's share of a core since the last report. */
  report(): Promise<PhoneReport & { cpuMax: number }>;
  stop(): Promise<void>;
}

export async function openCrowd(entries: Record<Entry, string>, urls: readonly string[], count: number, prefix: string): Promise<Crowd> {
  const processes = Math.max(1, Math.ceil(count / PHONES_PER_PROCESS));
  const children: Child[] = [];
  try {
    for (let i = 0; i < processes; i += 1) children.push(spawnChild(entries.phones, {}));
    await Promise.all(children.map((c) => c.next('ready')));
  } catch (error) {
    await Promise.all(children.map((c) => c.stop()));
    throw error;
  }
  const openedAt = Date.now();
  const rampMs = (count / ARRIVALS_PER_SECOND) * 1000;
  let first = 0;
  children.forEach((child, i) => {
    const share = Math.floor(count / processes) + (i < count % processes ? 1 : 0);
    child.send({ type: 'start', urls: [...urls], first, count: share, prefix, rampMs });
    first += share;
  });
  return {
    processes,
    openedAt,
    rampMs,
    async connected(timeoutMs) {
      try {
        await Promise.all(children.map((c) => c.next('connected', timeoutMs)));
        return true;
      } catch {
        return false;
      }
    },
    vote(pollId, options, spreadMs) {
      for (const child of children) child.send({ type: 'vote', pollId, options: [...options], spreadMs });
    },
    async report() {
      const reports = await Promise.all(
        children.map((c) => {
          c.send({ type: 'report' });
          return c.next<PhoneReport>('report', 30_000);
        }),
      );
      return merge(reports);
    },
    async stop() {
      await Promise.all(children.map((c) => c.stop(3_000)));
    },
  };
}

function merge(reports: PhoneReport[]): PhoneReport & { cpuMax: number } {
  const counts: Record<string, number> = {};
  for (const r of reports) for (const [option, n] of Object.entries(r.counts)) counts[option] = (counts[option] ?? 0) + n;
  const sum = (pick: (r: PhoneReport) => number) => reports.reduce((total, r) => total + pick(r), 0);
  return {
    connectMs: reports.flatMap((r) => r.connectMs),
    receiptMs: reports.flatMap((r) => r.receiptMs),
    voted: sum((r) => r.voted),
    withoutReceipt: sum((r) => r.withoutReceipt),
    notVoted: sum((r) => r.notVoted),
    counts,
    sends: sum((r) => r.sends),
    duplicates: sum((r) => r.duplicates),
    rejected: sum((r) => r.rejected),
    reconnectedAt: reports.flatMap((r) => r.reconnectedAt),
    connectedNow: sum((r) => r.connectedNow),
    stages: reports.flatMap((r) => r.stages),
    cpu: sum((r) => r.cpu),
    cpuTotalS: sum((r) => r.cpuTotalS),
    cpuMax: Math.max(...reports.map((r) => r.cpu)),
  };
}

/** p50 / p95 / p99 / max of a list, as the rows print them. */
export function spread(values: readonly number[]): { p50: number; p95: number; p99: number; max: number } {
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max: values.length === 0 ? Number.NaN : Math.max(...values) };
}
