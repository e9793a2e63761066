/**
 * Bench child: the real device agent from the environment and the device config
 * in BENCH_DEVICE (JSON). Logs at info as a classroom device would, but only
 * warnings reach stderr; "buttons now vote on poll" is reported over IPC, and on
 * request the times of the simulated presses.
 */
import { Agent } from '../../device/agent.js';
import { parseDeviceConfig } from '../../device/config.js';
import { SimulationInput } from '../../device/inputs/simulation.js';
import { loadDeviceEnv } from '../../runtime/env.js';
import { createLogger } from '../../runtime/logger.js';

const send = (message: Record<string, unknown>) => process.send?.(message);

// The probe: when each simulated button goes down (the press), before debounce,
// the outbox and MQTT. It only records the time and calls the original.
const presses: number[] = [];
const inject = SimulationInput.prototype.inject;
SimulationInput.prototype.inject = function (this: SimulationInput, button: string, pressed: boolean) {
  if (pressed) presses.push(Date.now());
  inject.call(this, button, pressed);
};
const agent = new Agent({
  env: loadDeviceEnv({ env: process.env, dotenvPath: null }),
  config: parseDeviceConfig(JSON.parse(process.env.BENCH_DEVICE ?? '{}')),
  logger: createLogger({
    level: 'info',
    write: (line) => {
      if (line.includes('now vote on poll')) send({ type: 'poll-known', line });
      else if (/ (WARN|ERROR) /.test(line)) process.stderr.write(`agent: ${line}\n`);
    },
  }),
  onInterrupt: () => undefined,
});
await agent.start();
send({ type: 'ready', at: Date.now() });
process.on('message', (message: { type?: string }) => {
  if (message.type === 'presses') send({ type: 'presses', times: presses, outbox: agent.outboxSize });
  if (message.type === 'stop') void agent.stop().then(() => process.exit(0));
});
