/**
 * Probe: one message at a time from a publisher (TCP or WebSocket) to a WebSocket
 * subscriber through an otherwise idle Mosquitto: publish -> delivered, as the
 * hub's snapshot travels to the kiosk.
 *   flock /tmp/mqc-bench.lock node --import tsx bench/probe/mosquitto-ws-forward.ts
 */
import mqtt from 'mqtt';
import { startMosquitto } from '../../test/harness/mosquitto.js';
import { percentile } from '../lib/stats.js';

const mosquitto = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
try {
  const kiosk = await mqtt.connectAsync(mosquitto.wsUrl, { clientId: 'kiosk' });
  await kiosk.subscribeAsync('fwd/test', { qos: 0 });
  for (const url of [mosquitto.url, mosquitto.wsUrl, mosquitto.url, mosquitto.wsUrl]) {
    const hub = await mqtt.connectAsync(url, { clientId: `hub-${Math.random()}` });
    (hub.stream as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
    const ms: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
      const t0 = performance.now();
      const got = new Promise<void>((resolve) => kiosk.once('message', () => resolve()));
      hub.publish('fwd/test', 'x', { qos: 0 });
      await got;
      ms.push(performance.now() - t0);
    }
    console.log(`${url.split(':')[0]} publisher -> WebSocket subscriber p50/p90/max ${percentile(ms, 50).toFixed(1)} / ${percentile(ms, 90).toFixed(1)} / ${Math.max(...ms).toFixed(1)} ms`);
    await hub.endAsync();
  }
  await kiosk.endAsync();
} finally {
  await mosquitto.dispose();
}
