import { startEmbedded } from '../test/harness/embedded.js';
import { startMosquitto } from '../test/harness/mosquitto.js';
import { freePort } from '../test/harness/ports.js';
import { hasDep } from '../test/harness/system-deps.js';

export interface BenchBroker {
  name: string;
  url: string;
  wsUrl: string;
  /** Where the hub connects when not `url`: Mosquitto's loopback WebSocket listener for the hub, as in deploy/mosquitto. */
  hubUrl?: string;
  stop(): Promise<void>;
}

/** The brokers a benchmark runs on: the embedded one always, Mosquitto when installed. */
export async function brokers(): Promise<BenchBroker[]> {
  const list: BenchBroker[] = [];
  const embedded = await startEmbedded();
  list.push({ name: 'embedded', url: embedded.url, wsUrl: embedded.wsUrl, stop: embedded.stop });
  if (hasDep('mosquitto')) {
    // What deploy/mosquitto's profiles run, but for the connection caps (a bench
    // crowd is larger) and the queues, unbounded so that no bench loses a vote to
    // them: set_tcp_nodelay, and the big room's hub listener (loopback WebSocket).
    // The hub uses it with BENCH_MOSQUITTO_HUB=ws (docs/performance.md, issue 17
    // round 3: Mosquitto 2.0 drains a TCP client one packet per pass of its loop);
    // by default it is on TCP, as pi-setup.sh configures it.
    const hubPort = await freePort();
    const mosquitto = await startMosquitto({
      extraConfig: ['max_queued_messages 0', 'max_inflight_messages 0', 'set_tcp_nodelay true'],
      listenerConfig: [`listener ${hubPort} 127.0.0.1`, 'protocol websockets'],
    });
    const hubOnWebSocket = process.env.BENCH_MOSQUITTO_HUB === 'ws';
    list.push({ name: 'mosquitto', url: mosquitto.url, wsUrl: mosquitto.wsUrl, ...(hubOnWebSocket ? { hubUrl: `ws://127.0.0.1:${hubPort}` } : {}), stop: () => mosquitto.dispose() });
  } else {
    process.stderr.write('bench: mosquitto is not installed, only the embedded broker is measured\n');
  }
  return list;
}
