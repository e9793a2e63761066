/**
 * Probe (not part of `npm run bench`): the amphitheatre burst on a Mosquitto, each
 * vote timed per stage. A raw TCP subscriber (QoS 0, its own socket) on the votes
 * and the receipts sees when the broker forwards each one; the phones report when
 * they sent and when their receipt came. So per vote:
 *   in   = phone sent -> broker forwarded the vote (the phone's WebSocket into Mosquitto)
 *   hub  = vote forwarded -> the hub's receipt forwarded (broker -> hub -> commit -> receipt -> broker)
 *   out  = receipt forwarded -> the phone has it (Mosquitto out to the phone's WebSocket)
 * Beside them: Mosquitto's and the hub's CPU, and the bytes waiting in the socket
 * queues of the WebSocket listener and of the hub's TCP connection (`ss`), sampled.
 *
 *   flock /tmp/mqc-bench.lock node --import tsx bench/probe/amphitheatre-stages.ts 5000 [profile|bench] [extra config line;...]
 *
 * `profile` runs the limits of deploy/mosquitto/classroom.conf (no connection cap),
 * `bench` the bench's own (bench/brokers.ts).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeReceipt } from '../../shared/codecs/receipt.js';
import { startMosquitto } from '../../test/harness/mosquitto.js';
import { freePort } from '../../test/harness/ports.js';
import { connectClient, closeClient } from '../../test/harness/mqtt.js';
import { OPTIONS, finalTally, untilReceipts, compareTally } from '../amphitheatre.js';
import { bundleEntries, cpuSeconds } from '../lib/children.js';
import { PREFIX, startHub } from '../lib/hub.js';
import { openCrowd, spread } from '../lib/phones.js';

const phones = Number(process.argv[2] ?? 5_000);
const mode = process.argv[3] ?? 'bench';
const extra = (process.argv[4] ?? '').split(';').map((l) => l.trim()).filter((l) => l !== '');
const profileLines = readFileSync(new URL('../../deploy/mosquitto/classroom.conf', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => /^(max_queued_messages|max_queued_bytes|max_inflight_messages|max_packet_size|set_tcp_nodelay|max_inflight_bytes)\b/.test(l));
const config = [...(mode === 'profile' ? profileLines : ['max_queued_messages 0', 'max_inflight_messages 0']), ...extra];
process.stderr.write(`probe: ${phones} phones, mosquitto config: ${config.join('; ')}\n`);

// PROBE_HUB_WS=1: the hub on its own loopback WebSocket listener, as deploy/mosquitto's profiles now give it.
const hubWs = process.env.PROBE_HUB_WS === '1';
const hubPort = await freePort();
const mosquitto = await startMosquitto({ extraConfig: config, ...(hubWs ? { listenerConfig: [`listener ${hubPort} 127.0.0.1`, 'protocol websockets'] } : {}) });
const mosquittoPid = Number(execFileSync('pgrep', ['-f', mosquitto.configPath]).toString().trim().split('\n')[0]);
const entries = await bundleEntries();
const hub = await startHub(entries, mkdtempSync(join(tmpdir(), 'probe-web-')), { name: 'mosquitto', url: hubWs ? `ws://127.0.0.1:${hubPort}` : mosquitto.url, wsUrl: mosquitto.wsUrl });
const raw = await connectClient(mosquitto.url, { clean: true, clientId: 'probe-raw' });
(raw.stream as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
const voteSeen = new Map<string, number>();
const receiptSeen = new Map<string, number>();
raw.on('message', (topic, payload) => {
  const at = Date.now();
  if (topic.includes('/votes/')) {
    try {
      const id = (JSON.parse(payload.toString()) as { id: string }).id;
      if (!voteSeen.has(id)) voteSeen.set(id, at);
    } catch {
      /* not a vote */
    }
  } else {
    const r = decodeReceipt(payload);
    if (r.ok && !receiptSeen.has(r.value.id)) receiptSeen.set(r.value.id, at);
  }
});
await raw.subscribeAsync([`${PREFIX}/votes/+`, `${PREFIX}/receipts/+`], { qos: 0 });

const queues = (port: number) => {
  const out = execFileSync('ss', ['-tnH', 'state', 'established', `( sport = :${port} )`]).toString().trim().split('\n').filter((l) => l !== '');
  let recv = 0;
  let send = 0;
  for (const l of out) {
    const [r, s] = l.trim().split(/\s+/);
    recv += Number(r);
    send += Number(s);
  }
  return { sockets: out.length, recv, send };
};
const hubSocket = () => execFileSync('ss', ['-tinH', 'state', 'established', `( sport = :${hubWs ? hubPort : mosquitto.port} )`]).toString().trim().replace(/\s+/g, ' ');

const crowd = await openCrowd(entries, [mosquitto.wsUrl], phones, PREFIX);
try {
  await crowd.connected(120_000);
  const pollId = await hub.openPoll(`probe${phones}`);
  const cpu0 = { hub: cpuSeconds(hub.child.pid), mosq: cpuSeconds(mosquittoPid) };
  const t0 = Date.now();
  const samples: string[] = [];
  const sampler = setInterval(() => {
    const ws = queues(mosquitto.wsPort);
    samples.push(`+${Date.now() - t0} ms: ws ${ws.sockets} sockets recvQ ${ws.recv} B sendQ ${ws.send} B; votes seen ${voteSeen.size}, receipts seen ${receiptSeen.size}`);
  }, 250);
  const hubSamples: string[] = [];
  const hubSampler = setInterval(() => hubSamples.push(`+${Date.now() - t0}: ${hubSocket().slice(0, 600)}`), 1000);
  // PROBE_TRACE=perf|strace: Mosquitto's profile (perf record -g) or syscall counts over the burst.
  const trace = process.env.PROBE_TRACE;
  let tracer: ChildProcess | null = null;
  if (trace === 'perf') tracer = spawn('perf', ['record', '-F', '999', '-g', '-p', String(mosquittoPid), '-o', '/tmp/h-mosqamph-mosq.perf'], { stdio: 'ignore' });
  if (trace === 'count') tracer = spawn('perf', ['stat', '-e', 'syscalls:sys_enter_poll,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_sendto,syscalls:sys_enter_recvfrom', '-p', String(mosquittoPid), '-o', '/tmp/h-mosqamph-mosq.count'], { stdio: 'ignore' });
  if (trace === 'strace') tracer = spawn('strace', ['-c', '-f', '-p', String(mosquittoPid), '-o', '/tmp/h-mosqamph-mosq.strace'], { stdio: 'ignore' });
  crowd.vote(pollId, OPTIONS, 1_000);
  const report = await untilReceipts(crowd, phones, 40_000);
  const seconds = (Date.now() - t0) / 1000;
  clearInterval(sampler);
  clearInterval(hubSampler);
  if (tracer !== null) {
    tracer.kill('SIGINT');
    await new Promise((r) => tracer?.once('exit', r));
  }
  const cpu = { hub: (cpuSeconds(hub.child.pid) - cpu0.hub) / seconds, mosq: (cpuSeconds(mosquittoPid) - cpu0.mosq) / seconds };
  const tally = await finalTally(mosquitto.url, pollId, report.voted, 10_000);
  const stagesIn: number[] = [];
  const stagesHub: number[] = [];
  const stagesOut: number[] = [];
  const timeline = new Map<number, { sent: number; voteSeen: number; receiptSeen: number; phoneGot: number }>();
  const bucket = (ms: number) => {
    const k = Math.floor((ms - t0) / 250) * 250;
    if (!timeline.has(k)) timeline.set(k, { sent: 0, voteSeen: 0, receiptSeen: 0, phoneGot: 0 });
    return timeline.get(k) as { sent: number; voteSeen: number; receiptSeen: number; phoneGot: number };
  };
  for (const [id, sent, got] of report.stages) {
    const v = voteSeen.get(id);
    const r = receiptSeen.get(id);
    bucket(sent).sent += 1;
    if (v !== undefined) bucket(v).voteSeen += 1;
    if (r !== undefined) bucket(r).receiptSeen += 1;
    if (got !== null) bucket(got).phoneGot += 1;
    if (v !== undefined) stagesIn.push(v - sent);
    if (v !== undefined && r !== undefined) stagesHub.push(r - v);
    if (r !== undefined && got !== null) stagesOut.push(got - r);
  }
  const f = (s: ReturnType<typeof spread>) => `${s.p50} / ${s.p95} / ${s.p99} / ${s.max}`;
  console.log(`phones ${phones}, mode ${mode}, hub over ${hubWs ? 'its own WebSocket listener' : 'TCP'}, config: ${config.join('; ')}`);
  console.log(`receipts p50/p95/p99/max ${f(spread(report.receiptMs))} ms; ${compareTally(report, tally).exact ? 'tally exact' : 'TALLY WRONG'}; ${report.sends - report.voted} re-sends`);
  console.log(`in  (phone -> broker forwards vote)   ${f(spread(stagesIn))} ms (${stagesIn.length})`);
  console.log(`hub (vote forwarded -> receipt fwd)   ${f(spread(stagesHub))} ms (${stagesHub.length})`);
  console.log(`out (receipt fwd -> phone has it)     ${f(spread(stagesOut))} ms (${stagesOut.length})`);
  console.log(`cpu: mosquitto ${(cpu.mosq * 100).toFixed(0)} %, hub ${(cpu.hub * 100).toFixed(0)} %, generators busiest ${(report.cpuMax * 100).toFixed(0)} % all ${(report.cpu * 100).toFixed(0)} % over ${seconds.toFixed(1)} s`);
  console.log('timeline (250 ms buckets from the poll opening): sent / vote seen / receipt seen / phone got');
  for (const [k, b] of [...timeline.entries()].sort((a, c) => a[0] - c[0])) console.log(`  +${k} ms: ${b.sent} / ${b.voteSeen} / ${b.receiptSeen} / ${b.phoneGot}`);
  console.log(samples.join('\n'));
  console.log(hubSamples.join('\n'));
} finally {
  await crowd.stop();
  await closeClient(raw);
  await hub.stop();
  await mosquitto.dispose();
}
