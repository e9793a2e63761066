/**
 * Bench child: one node of the clustered broker, `mqtt-classroom broker --cluster
 * <redis>` (cli/commands/broker.ts, the same code), configured from the environment
 * like the command. What it prints is sent over IPC (`ready` once it runs), so the
 * bench learns its ports; SIGKILL ends it as a machine dying would.
 */
import { runBroker } from '../../cli/commands/broker.js';

// The bench's stop: the same clean stop as Ctrl-C (stopOnSignals in runBroker).
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stop') process.kill(process.pid, 'SIGTERM');
});
// The bench gone (killed, crashed): the node goes too, as on a stop.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

const redis = process.env.BENCH_REDIS_URL ?? '';
let out = '';
await runBroker(
  { cluster: redis, mqttPort: '0', httpPort: '0' },
  {
    env: process.env,
    stdout: (text) => {
      out += text;
      const mqtt = /MQTT\s+(mqtt:\/\/\S+)/.exec(out)?.[1];
      const ws = /WebSocket\s+(ws:\/\/\S+)/.exec(out)?.[1];
      if (mqtt !== undefined && ws !== undefined) process.send?.({ type: 'ready', mqttUrl: mqtt, wsUrl: ws });
    },
    stderr: (text) => process.stderr.write(text),
  },
);
