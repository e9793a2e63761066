import { join } from 'node:path';
import { type DeviceEnv, type ServerEnv, loadServerEnv } from '../../runtime/env.js';
import { stopOnSignals } from '../../runtime/lifecycle.js';
import { createLogger } from '../../runtime/logger.js';
import { publicHost } from '../../runtime/network.js';
import { samplePoll } from '../../shared/poll.js';
import type { CliContext } from '../main.js';
import { signInBlock } from './prof-link.js';

export const DEMO_POLL_ID = 'cours';
export const DEMO_DEVICE_ID = 'demo-boitier';

export interface DemoOptions {
  /** Keys 1..4 from this terminal; false when stdin is not a terminal. */
  keyboard?: boolean;
  /** Time for the simulated oven to reach its hottest point. */
  ovenMs?: number;
}

/**
 * `mqtt-classroom demo` (what `npm start` runs): the whole classroom on one
 * machine — embedded broker, tally server with the course's sample poll open, a
 * device agent whose buttons are keys 1..4 and whose oven is simulated, and the
 * web pages. Ctrl-C stops everything cleanly.
 */
export async function runDemo(options: DemoOptions, ctx: CliContext): Promise<void> {
  const base = loadServerEnv({ env: ctx.env });
  // Zero setup: the demo always brings its own broker and keeps its data apart
  // from a real server's.
  const config: ServerEnv = Object.freeze({ ...base, mqttUrls: null, dataDir: join(base.dataDir, 'demo') });
  const logger = createLogger({ level: config.logLevel });
  if (base.mqttUrls !== null) logger.warn('the demo ignores MQTT_URL and starts its own broker; use `mqtt-classroom server` for a real broker');

  const { startServer } = await import('../../server/index.js');
  const server = await startServer({ config, logger: logger.child('server') });
  let stopAgent: () => Promise<void> = async () => undefined;
  const stopAll = async () => {
    await stopAgent();
    await server.stop();
  };
  try {
    const known = server.polls.list().some((summary) => summary.poll.id === DEMO_POLL_ID);
    const poll = samplePoll(DEMO_POLL_ID);
    if (!known) server.polls.create({ id: poll.id, question: poll.question, options: poll.options, policy: poll.policy });
    if (server.polls.get(DEMO_POLL_ID).poll.state !== 'open') server.polls.open(DEMO_POLL_ID);

    const account = server.addDeviceAccount(DEMO_DEVICE_ID);
    const keyboard = options.keyboard ?? process.stdin.isTTY === true;
    const { parseDeviceConfig } = await import('../../device/config.js');
    const { Agent } = await import('../../device/agent.js');
    // The agent's broker is the one just started, with the account just made: handed over as is, not read from the environment.
    const env: DeviceEnv = {
      mqtt: { urls: [server.mqttUrl], username: account.username, password: account.password, clientId: null },
      topicPrefix: config.topicPrefix,
      dataDir: config.dataDir,
      logLevel: config.logLevel,
    };
    const agent = new Agent({
      env,
      config: parseDeviceConfig({
        deviceId: DEMO_DEVICE_ID,
        name: 'Boîtier de démonstration',
        inputs: keyboard ? [{ type: 'keyboard', buttons: poll.options.length }] : [],
        bread: { sensor: { type: 'simulated', durationMs: options.ovenMs ?? 180_000 }, intervalMs: 1_000 },
      }),
      logger: logger.child(DEMO_DEVICE_ID),
    });
    stopAgent = () => agent.stop();
    await agent.start();

    const web = `http://${publicHost(config.httpHost)}:${server.httpPort}`;
    const keys = poll.options.map((option, index) => `${index + 1} = ${option.label}`).join(', ');
    ctx.stdout(
      [
        '',
        'mqtt-classroom demo is running',
        `  kiosk (results)  ${web}/`,
        `  vote page        ${web}/vote      (phones on the same network: scan the QR code on the kiosk)`,
        `  bread page       ${web}/pain`,
        `  chat page        ${web}/chat`,
        signInBlock(server.signInLink()),
        `  broker           mqtt://${publicHost(config.mqttHost)}:${server.mqttPort} (try: mosquitto_sub -h ${publicHost(config.mqttHost)} -p ${server.mqttPort} -t '#' -v)`,
        keyboard
          ? `  press a key to vote: ${keys}`
          : '  stdin is not a terminal: keys are off; vote from the vote page',
        '  the simulated oven heats up: watch pain/cuisson go froid -> cuisson -> prêt -> brûlé',
        '  stop with Ctrl-C',
        '',
      ].join('\n'),
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  await new Promise<void>(() => {
    // Runs until a signal (Ctrl-C in the terminal reaches us as SIGINT).
    stopOnSignals(stopAll, { logger });
  });
}
