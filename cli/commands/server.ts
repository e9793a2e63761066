import { type ServerEnv, loadServerEnv } from '../../runtime/env.js';
import { MQTT_URL } from '../../runtime/env-fields.js';
import { stopOnSignals } from '../../runtime/lifecycle.js';
import { createLogger } from '../../runtime/logger.js';
import { lanAddress } from '../../runtime/network.js';
import { type BrokerUrls, brokerUrlsProblem, splitBrokerUrls } from '../../shared/broker-urls.js';
import { ConfigError } from '../../shared/errors/config-error.js';
import type { RunningServer } from '../../server/index.js';
import type { CliContext } from '../main.js';
import { signInBlock } from './prof-link.js';

/**
 * `mqtt-classroom server`: starts the hub and runs until SIGINT/SIGTERM, which
 * commit pending votes, publish `offline`, close the broker and the database and
 * exit 0.
 */
export async function runServer(options: { broker?: string }, ctx: CliContext): Promise<void> {
  const config = withBroker(loadServerEnv({ env: ctx.env }), options.broker);
  const logger = createLogger({ level: config.logLevel, name: 'server' });
  const { startServer } = await import('../../server/index.js');
  const running = await startServer({ config, logger });
  ctx.stdout(banner(running, config));
  await new Promise<void>(() => {
    // Runs until a signal: stopOnSignals stops the server and exits the process.
    stopOnSignals(() => running.stop(), { logger });
  });
}

function withBroker(config: ServerEnv, broker: string | undefined): ServerEnv {
  if (broker === undefined) return config;
  if (broker === 'embedded') return Object.freeze({ ...config, mqttUrls: null });
  // Several nodes of a cluster, comma-separated, as in MQTT_URL.
  const urls = splitBrokerUrls(broker);
  const problem = brokerUrlsProblem(urls, MQTT_URL, 'mqtt://localhost:1883');
  if (problem !== null) {
    throw new ConfigError('--broker', [{ path: '--broker', message: `use "embedded" or broker URLs: ${problem} (got ${JSON.stringify(broker)})` }]);
  }
  return Object.freeze({ ...config, mqttUrls: urls as unknown as BrokerUrls });
}

function banner(running: RunningServer, config: ServerEnv): string {
  const host = config.httpHost === '0.0.0.0' || config.httpHost === '::' ? (lanAddress() ?? '127.0.0.1') : config.httpHost;
  const web = `http://${host}:${running.httpPort}`;
  const lines = [
    'mqtt-classroom server is running',
    `  kiosk (results)  ${web}/`,
    `  vote page        ${web}/vote`,
    `  bread page       ${web}/pain`,
    running.mqttPort === null
      ? `  broker           ${running.mqttUrl} (external)`
      : `  broker           mqtt://${config.mqttHost === '0.0.0.0' ? host : config.mqttHost}:${running.mqttPort} and ws://${host}:${running.httpPort}/mqtt (embedded)`,
  ];
  if (running.adminTokenSource === 'generated') {
    lines.push(`  admin token      ${running.adminToken}`);
    lines.push(`                   (made now and saved in ${config.dataDir}/admin-token; \`mqtt-classroom poll\` on this machine finds it)`);
  } else if (running.adminTokenSource === 'file') {
    lines.push(`  admin token      in ${config.dataDir}/admin-token`);
  }
  lines.push(signInBlock(running.signInLink()));
  lines.push('  stop with Ctrl-C', '');
  return lines.join('\n');
}

