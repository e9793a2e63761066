/**
 * Probe: one client's QoS 1 round trip (PUBLISH -> PUBACK), one at a time, on an
 * otherwise idle Mosquitto, over TCP and over WebSocket; optionally with a TCP
 * client publishing QoS 0 every `busyMs` (something else that wakes Mosquitto's loop).
 *   flock /tmp/mqc-bench.lock node --import tsx bench/probe/mosquitto-ws-rtt.ts [busyMs]
 */
import mqtt from 'mqtt';
import { startMosquitto } from '../../test/harness/mosquitto.js';
import { percentile } from '../lib/stats.js';

const busyMs = Number(process.argv[2] ?? 0);
const mosquitto = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
try {
  const busy = busyMs > 0 ? await mqtt.connectAsync(mosquitto.url, { clientId: 'busy' }) : null;
  const timer = busy === null ? null : setInterval(() => busy.publish('noise', 'x', { qos: 0 }), busyMs);
  for (const url of [mosquitto.url, mosquitto.wsUrl, mosquitto.url, mosquitto.wsUrl]) {
    const client = await mqtt.connectAsync(url, { clientId: `rtt-${Math.random()}` });
    (client.stream as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
    const rtts: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      await new Promise((r) => setTimeout(r, 7 + Math.random() * 20));
      const t0 = performance.now();
      await client.publishAsync('rtt/test', 'x', { qos: 1 });
      rtts.push(performance.now() - t0);
    }
    console.log(`${url.split(':')[0]} QoS 1 round trip p50/p90/max ${percentile(rtts, 50).toFixed(1)} / ${percentile(rtts, 90).toFixed(1)} / ${Math.max(...rtts).toFixed(1)} ms${busyMs > 0 ? ` (a TCP client publishing every ${busyMs} ms)` : ''}`);
    await client.endAsync();
  }
  if (timer !== null) clearInterval(timer);
  await busy?.endAsync();
} finally {
  await mosquitto.dispose();
}
