/**
 * The clustered broker (issue 18, SPEC §9): two `mqtt-classroom broker --cluster`
 * nodes (bench/proc/node.ts) over one redis-server (test/harness/redis.ts), the
 * hub on node B (its MQTT_URL lists B then A). Three runs, all on loopback, each
 * bounded in count and time:
 * - `two nodes`: the phones spread over A and B (every other phone lists A first);
 * - `one node`: the same phones all on B, the hub's node (the same run's reference);
 * - `node killed`: a burst on both nodes, node A SIGKILLed half-way through the
 *   second in which the phones vote; its phones move to B (they hold both URLs, as
 *   the pages' /config.json gives them, shared/broker-urls.ts): the time from the
 *   kill until every phone is connected again, votes lost, votes counted twice.
 */
import { execFileSync } from 'node:child_process';
import { SERVER_ACCOUNT } from '../server/access/accounts.js';
import { type RedisServer, startRedis } from '../test/harness/redis.js';
import { OPTIONS, compareTally, finalTally, untilReceipts } from './amphitheatre.js';
import { type Child, type Entry, spawnChild } from './lib/children.js';
import { AMPHITHEATRE_CONNECTIONS, type BenchHub, PREFIX, startHub } from './lib/hub.js';
import { openCrowd, spread } from './lib/phones.js';
import { type Row, fmt } from './lib/report.js';

const SERVER_PASSWORD = 'bench-cluster-hub-secret';
const SPREAD_MS = 1_000;
const KILL_AFTER_MS = 500;

interface Node {
  child: Child;
  mqttUrl: string;
  wsUrl: string;
}

async function startNode(entries: Record<Entry, string>, redisUrl: string): Promise<Node> {
  const child = spawnChild(entries.node, {
    BENCH_REDIS_URL: redisUrl,
    MQTT_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SERVER_MQTT_PASSWORD: SERVER_PASSWORD,
    DEVICE_ACCOUNTS: '',
    BROKER_MAX_CONNECTIONS: String(AMPHITHEATRE_CONNECTIONS),
    BROKER_MAX_CONNECTIONS_PER_ADDRESS: String(AMPHITHEATRE_CONNECTIONS),
  });
  try {
    const ready = await child.next<{ mqttUrl: string; wsUrl: string }>('ready', 20_000);
    return { child, ...ready };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

/** This shell's open-file limit: every phone is a socket in a load generator and one in its node. */
export function openFileLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  } catch {
    return Number.NaN;
  }
}

async function burst(entries: Record<Entry, string>, hub: BenchHub, urls: string[], phones: number, kill: Node | null) {
  const crowd = await openCrowd(entries, urls, phones, PREFIX);
  try {
    const all = await crowd.connected(60_000 + phones * 10);
    const connected = all ? Date.now() - crowd.openedAt : Number.NaN;
    const pollId = await hub.openPoll(`cluster${phones}${kill === null ? '' : 'kill'}`);
    crowd.vote(pollId, OPTIONS, SPREAD_MS);
    let killedAt = Number.NaN;
    if (kill !== null) {
      await new Promise((r) => setTimeout(r, KILL_AFTER_MS));
      killedAt = Date.now();
      process.kill(kill.child.pid, 'SIGKILL');
    }
    let report = await untilReceipts(crowd, phones, SPREAD_MS + 45_000);
    // Phones of the dead node that had their receipt before it died still come back.
    for (const deadline = Date.now() + 30_000; report.connectedNow < phones && Date.now() < deadline; report = await crowd.report()) {
      await new Promise((r) => setTimeout(r, 250));
    }
    const tally = await finalTally(hub.mqttUrl, pollId, report.voted, 10_000, { username: SERVER_ACCOUNT, password: SERVER_PASSWORD });
    const back = report.reconnectedAt.filter((at) => at >= killedAt);
    return {
      phones,
      connected,
      receipts: spread(report.receiptMs),
      report,
      tally,
      ...compareTally(report, tally),
      reconnected: back.length,
      reconnectMs: back.length === 0 ? Number.NaN : Math.max(...back) - killedAt,
    };
  } finally {
    await crowd.stop();
  }
}

export async function clusterRows(entries: Record<Entry, string>, webRoot: string, sizes: { phones: number; failover: number }): Promise<Row[]> {
  const rows: Row[] = [];
  const limit = openFileLimit();
  // One node alone holds every phone's socket, plus redis, the hub and some slack.
  if (limit < sizes.phones + 500) {
    process.stderr.write(`bench: ulimit -n is ${limit}, too low for ${sizes.phones} phones on one node: run \`ulimit -n ${sizes.phones * 2}\` first; the cluster rows are left out\n`);
    return rows;
  }
  let redis: RedisServer | null = null;
  const nodes: Node[] = [];
  let hub: BenchHub | null = null;
  try {
    redis = await startRedis();
    nodes.push(await startNode(entries, redis.url), await startNode(entries, redis.url));
    const [a, b] = nodes as [Node, Node];
    hub = await startHub(entries, webRoot, { name: 'cluster', url: `${b.mqttUrl},${a.mqttUrl}`, wsUrl: `${b.wsUrl},${a.wsUrl}` }, { MQTT_USERNAME: SERVER_ACCOUNT, MQTT_PASSWORD: SERVER_PASSWORD });
    const n = (v: number) => v.toLocaleString('en-US');
    const ms = (v: number) => fmt(v, '', 0);
    const spreadRun = await burst(entries, hub, [a.wsUrl, b.wsUrl], sizes.phones, null);
    const oneRun = await burst(entries, hub, [b.wsUrl], sizes.phones, null);
    for (const [where, r] of [['two nodes (A, B), hub on B', spreadRun], ['one node (B, the hub\'s)', oneRun]] as const) {
      rows.push({
        benchmark: 'cluster: vote -> receipt',
        case: `${where}, ${n(r.phones)} phones over WebSocket`,
        figure: `${ms(r.receipts.p50)} / ${ms(r.receipts.p99)} ms`,
        reference: r === spreadRun ? `one node ${ms(oneRun.receipts.p50)} / ${ms(oneRun.receipts.p99)} ms` : `two nodes ${ms(spreadRun.receipts.p50)} / ${ms(spreadRun.receipts.p99)} ms`,
        ratio: `lost ${r.lost}`,
        note: `p50/p99; twice ${r.twice}, tally ${r.exact ? 'exact' : 'WRONG'}; ${Number.isNaN(r.connected) ? 'not all connected at the deadline' : `connected in ${ms(r.connected)} ms`}; load generator busiest ${fmt(r.report.cpuMax * 100, ' %', 0)} of a core; ulimit -n ${limit}`,
      });
    }
    const killed = await burst(entries, hub, [a.wsUrl, b.wsUrl], sizes.failover, a);
    const onA = Math.ceil(sizes.failover / 2);
    for (const r of [spreadRun, oneRun, killed]) {
      if (!r.exact) process.stderr.write(`bench: cluster, ${n(r.phones)} phones: ${r.lost} votes lost, ${r.twice} counted twice\n`);
    }
    rows.push({
      benchmark: 'cluster: node SIGKILLed mid-burst',
      case: `${n(killed.phones)} phones on A and B, A killed ${KILL_AFTER_MS} ms into the 1 s burst`,
      figure: `all reconnected ${ms(killed.reconnectMs)} ms after the kill`,
      reference: `receipts p50/p99 ${ms(killed.receipts.p50)} / ${ms(killed.receipts.p99)} ms`,
      ratio: `lost ${killed.lost}, twice ${killed.twice}`,
      note: `${n(killed.reconnected)} of ${n(onA)} phones of A came back; tally ${killed.exact ? 'exact' : 'WRONG'}; ${n(killed.report.sends - killed.report.voted)} re-sends, ${n(killed.report.duplicates)} duplicate receipts`,
    });
  } finally {
    await hub?.stop();
    await Promise.all(nodes.map((node) => node.child.stop(3_000)));
    await redis?.dispose();
  }
  return rows;
}
