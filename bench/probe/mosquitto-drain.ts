/**
 * Probe (not part of `npm run bench`): how fast Mosquitto takes messages from ONE
 * client while K other clients sit idle on its WebSocket listener. The one client
 * (the hub's place) publishes M QoS 1 messages at once over TCP or over WebSocket;
 * measured: time until the last PUBACK, and Mosquitto's main-loop passes
 * (epoll_wait calls) and WebSocket polls (poll calls) meanwhile, with perf stat.
 *
 *   flock /tmp/mqc-bench.lock node --import tsx bench/probe/mosquitto-drain.ts <idle phones> <messages> tcp|ws [listener]
 *
 * `listener`: the publisher uses its own loopback WebSocket listener (its own
 * libwebsockets context), as the deploy profiles' hub listener does.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { startMosquitto } from '../../test/harness/mosquitto.js';
import { freePort } from '../../test/harness/ports.js';
import { bundleEntries } from '../lib/children.js';
import { PREFIX } from '../lib/hub.js';
import { openCrowd } from '../lib/phones.js';

const idle = Number(process.argv[2] ?? 5_000);
const messages = Number(process.argv[3] ?? 5_000);
const transport = process.argv[4] ?? 'tcp';
const ownListener = process.argv[5] === 'listener';
const hubWsPort = await freePort();
const mosquitto = await startMosquitto({
  extraConfig: ['max_queued_messages 0', 'max_inflight_messages 0', 'set_tcp_nodelay true'],
  ...(ownListener ? { listenerConfig: [`listener ${hubWsPort} 127.0.0.1`, 'protocol websockets'] } : {}),
});
const pid = Number(execFileSync('pgrep', ['-f', mosquitto.configPath]).toString().trim().split('\n')[0]);
const entries = await bundleEntries();
const crowd = idle > 0 ? await openCrowd(entries, [mosquitto.wsUrl], idle, PREFIX) : null;
try {
  if (crowd !== null && !(await crowd.connected(120_000))) throw new Error('not every idle phone connected');
  const url = transport === 'tcp' ? mosquitto.url : ownListener ? `ws://127.0.0.1:${hubWsPort}` : mosquitto.wsUrl;
  const client = await mqtt.connectAsync(url, { clientId: 'probe-drain', clean: true, reconnectPeriod: 0 });
  (client.stream as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
  const stat = spawn('perf', ['stat', '-x', ',', '-e', 'syscalls:sys_enter_epoll_wait,syscalls:sys_enter_poll,syscalls:sys_enter_read', '-p', String(pid), '-o', '/tmp/h-mosqamph-drain.count'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  await Promise.all(Array.from({ length: messages }, (_, i) => client.publishAsync(`${PREFIX}/receipts/nobody-${i % 50}`, '{"id":"x","status":"stored"}', { qos: 1 })));
  const ms = performance.now() - t0;
  stat.kill('SIGINT');
  await new Promise((r) => stat.once('exit', r));
  const counts = Object.fromEntries(
    readFileSync('/tmp/h-mosqamph-drain.count', 'utf8')
      .split('\n')
      .filter((l) => l.includes('syscalls:'))
      .map((l) => [l.split(',')[2]?.replace('syscalls:sys_enter_', ''), Number(l.split(',')[0])]),
  );
  console.log(`idle ws phones ${idle}, ${messages} QoS 1 from one ${transport}${ownListener ? ' (own listener)' : ''} client: last PUBACK after ${ms.toFixed(0)} ms (${((messages / ms) * 1000).toFixed(0)} msg/s); mosquitto during it (+300 ms before): ${JSON.stringify(counts)}`);
  await client.endAsync();
} finally {
  await crowd?.stop();
  await mosquitto.dispose();
}
