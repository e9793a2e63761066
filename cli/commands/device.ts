import { resolve } from 'node:path';
import { loadDeviceEnv } from '../../runtime/env.js';
import { stopOnSignals } from '../../runtime/lifecycle.js';
import { createLogger } from '../../runtime/logger.js';
import type { CliContext } from '../main.js';

/**
 * `mqtt-classroom device --config device.json`: the agent with real inputs. Runs
 * until SIGINT/SIGTERM (or Ctrl-C on the keyboard input), which stops the inputs,
 * publishes `offline` and closes the outbox, then exits 0.
 */
export async function runDevice(options: { config: string }, ctx: CliContext): Promise<void> {
  const env = loadDeviceEnv({ env: ctx.env });
  const { loadDeviceConfig } = await import('../../device/config.js');
  const config = await loadDeviceConfig(resolve(options.config));
  const logger = createLogger({ level: env.logLevel, name: config.deviceId });
  logger.info(`broker ${env.mqtt.urls.join(', ')} (MQTT_URL, or when it is empty the broker on this machine at MQTT_PORT)`);
  const { Agent } = await import('../../device/agent.js');
  const agent = new Agent({ env, config, logger });
  try {
    await agent.start();
  } catch (error) {
    // Lifecycle already stopped what had started; the CLI prints the message.
    await agent.stop();
    throw error;
  }
  await new Promise<void>(() => {
    // Runs until a signal: stopOnSignals stops the agent and exits the process.
    stopOnSignals(() => agent.stop(), { logger });
  });
}
