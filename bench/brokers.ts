import { startEmbedded } from '../test/harness/embedded.js';
import { startMosquitto } from '../test/harness/mosquitto.js';
import { hasDep } from '../test/harness/system-deps.js';

export interface BenchBroker {
  name: string;
  url: string;
  wsUrl: string;
  stop(): Promise<void>;
}

/** The brokers a benchmark runs on: the embedded one always, Mosquitto when installed. */
export async function brokers(): Promise<BenchBroker[]> {
  const list: BenchBroker[] = [];
  const embedded = await startEmbedded();
  list.push({ name: 'embedded', url: embedded.url, wsUrl: embedded.wsUrl, stop: embedded.stop });
  if (hasDep('mosquitto')) {
    const mosquitto = await startMosquitto({ extraConfig: ['max_queued_messages 0', 'max_inflight_messages 0'] });
    list.push({ name: 'mosquitto', url: mosquitto.url, wsUrl: mosquitto.wsUrl, stop: () => mosquitto.dispose() });
  } else {
    process.stderr.write('bench: mosquitto is not installed, only the embedded broker is measured\n');
  }
  return list;
}
