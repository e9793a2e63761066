/**
 * The amphitheatre burst (issue 17): N phones, each its own MQTT-over-WebSocket
 * connection speaking the vote page's protocol (bench/proc/phones.ts), arriving
 * at 500 a second (bench/lib/phones.ts); the poll opens and each phone votes once
 * at a random moment within the second after it sees it open. Measured: connect time (open -> CONNACK), vote ->
 * receipt p50/p95/p99/max, votes lost (no receipt, or missing from the tally), and
 * whether the server's final retained tally is exactly what the phones voted.
 * Beside it, in the same run: the load generator's own CPU (every process's share
 * of a core) and the server's, so a saturated generator is visible.
 */
import { closeClient, connectClient } from '../test/harness/mqtt.js';
import { decodeTally } from '../shared/codecs/tally.js';
import { type Entry, cpuSeconds } from './lib/children.js';
import { type BenchHub, PREFIX } from './lib/hub.js';
import { type PhoneReport, openCrowd, spread } from './lib/phones.js';
import { type Row, fmt } from './lib/report.js';

export const OPTIONS = ['A', 'B', 'C', 'D'] as const;
const SPREAD_MS = 1_000;

export interface BurstResult {
  phones: number;
  processes: number;
  connect: ReturnType<typeof spread> & { allMs: number; rampMs: number; connected: number };
  receipts: ReturnType<typeof spread>;
  report: PhoneReport & { cpuMax: number };
  tally: { total: number; counts: Record<string, number> };
  lost: number;
  twice: number;
  exact: boolean;
  serverCpu: number;
  burstSeconds: number;
}

/** The retained tally of a poll as a newcomer reads it, once it shows at least `total` votes (or at the deadline). */
export async function finalTally(mqttUrl: string, pollId: string, total: number, timeoutMs: number, auth: { username?: string; password?: string } = {}): Promise<{ total: number; counts: Record<string, number> }> {
  const client = await connectClient(mqttUrl, { clean: true, ...auth });
  try {
    let last = { total: 0, counts: {} as Record<string, number> };
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      client.on('message', (_topic, payload) => {
        const tally = decodeTally(payload);
        if (!tally.ok) return;
        last = { total: tally.value.total, counts: { ...tally.value.counts } };
        if (last.total >= total) {
          clearTimeout(timer);
          resolve();
        }
      });
      void client.subscribeAsync(`${PREFIX}/tally/${pollId}`, { qos: 1 });
    });
    return last;
  } finally {
    await closeClient(client);
  }
}

/** Waits until every phone that voted has its receipt, or `timeoutMs` passed; returns the last report. */
export async function untilReceipts(crowd: Awaited<ReturnType<typeof openCrowd>>, phones: number, timeoutMs: number): Promise<PhoneReport & { cpuMax: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const report = await crowd.report();
    if ((report.voted === phones && report.withoutReceipt === 0) || Date.now() >= deadline) return report;
  }
}

export function compareTally(report: PhoneReport, tally: { total: number; counts: Record<string, number> }): { lost: number; twice: number; exact: boolean } {
  const options = new Set([...Object.keys(report.counts), ...Object.keys(tally.counts)]);
  let lost = 0;
  let twice = 0;
  for (const option of options) {
    const diff = (tally.counts[option] ?? 0) - (report.counts[option] ?? 0);
    if (diff < 0) lost -= diff;
    else twice += diff;
  }
  // A vote with no receipt at the end is lost to its phone even when counted.
  return { lost: Math.max(lost, report.withoutReceipt + report.notVoted), twice, exact: lost === 0 && twice === 0 && report.notVoted === 0 };
}

export async function amphitheatre(entries: Record<Entry, string>, hub: BenchHub, phones: number): Promise<BurstResult> {
  const crowd = await openCrowd(entries, [hub.wsUrl], phones, PREFIX);
  try {
    const all = await crowd.connected(60_000 + phones * 10);
    const allConnectedMs = all ? Date.now() - crowd.openedAt : Number.NaN;
    const connectReport = await crowd.report();
    const pollId = await hub.openPoll(`amphi${phones}`);
    const cpu0 = cpuSeconds(hub.child.pid);
    const t0 = performance.now();
    crowd.vote(pollId, OPTIONS, SPREAD_MS);
    const report = await untilReceipts(crowd, phones, SPREAD_MS + 30_000);
    const burstSeconds = (performance.now() - t0) / 1000;
    const serverCpu = (cpuSeconds(hub.child.pid) - cpu0) / burstSeconds;
    const tally = await finalTally(hub.mqttUrl, pollId, report.voted, 10_000);
    return {
      phones,
      processes: crowd.processes,
      connect: { ...spread(connectReport.connectMs.filter((ms) => ms >= 0)), allMs: allConnectedMs, rampMs: crowd.rampMs, connected: connectReport.connectMs.filter((ms) => ms >= 0).length },
      receipts: spread(report.receiptMs),
      report,
      tally,
      ...compareTally(report, tally),
      serverCpu,
      burstSeconds,
    };
  } finally {
    await crowd.stop();
  }
}

const ms = (v: number) => fmt(v, '', 0);
const pct = (share: number) => fmt(share * 100, ' %', 0);

export function burstRows(where: string, r: BurstResult): Row[] {
  const n = r.phones.toLocaleString('en-US');
  // Not a timing: a vote lost or counted twice is a bug, said loudly (the figures are never asserted).
  if (!r.exact) process.stderr.write(`bench: amphitheatre on ${where}, ${n} phones: ${r.lost} votes lost, ${r.twice} counted twice\n`);
  const generator = `load generator ${r.processes} proc., busiest ${pct(r.report.cpuMax)} of a core, all ${pct(r.report.cpu)}`;
  return [
    {
      benchmark: 'amphitheatre: connect',
      case: `${where}, ${n} phones over WebSocket`,
      figure: `${ms(r.connect.p50)} / ${ms(r.connect.p99)} / ${ms(r.connect.max)} ms`,
      reference: Number.isNaN(r.connect.allMs)
        ? `only ${r.connect.connected.toLocaleString('en-US')} of ${n} connected at the deadline`
        : `all ${n} connected ${ms(r.connect.allMs)} ms after the first opened`,
      ratio: '-',
      note: `p50 / p99 / max, open -> CONNACK; ${n} phones opened over ${ms(r.connect.rampMs)} ms`,
    },
    {
      benchmark: 'amphitheatre: vote -> receipt',
      case: `${where}, ${n} phones, 1 vote each within 1 s`,
      figure: `${ms(r.receipts.p50)} / ${ms(r.receipts.p95)} / ${ms(r.receipts.p99)} / ${ms(r.receipts.max)} ms`,
      reference: generator,
      ratio: `server ${pct(r.serverCpu)}`,
      note: `p50/p95/p99/max; lost ${r.lost}, counted twice ${r.twice}, tally ${r.exact ? 'exact' : 'WRONG'} (${r.tally.total.toLocaleString('en-US')}); ${r.report.sends - r.report.voted} re-sends`,
    },
  ];
}
