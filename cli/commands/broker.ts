import { type BrokerEnv, brokerLimitsFrom, loadBrokerEnv } from '../../runtime/env.js';
import { stopOnSignals } from '../../runtime/lifecycle.js';
import { createLogger } from '../../runtime/logger.js';
import { ConfigError, type ConfigProblem } from '../../shared/errors/config-error.js';
import { createTopics } from '../../shared/topics.js';
import { createAccessRules } from '../../server/access/access-rules.js';
import { Accounts, SERVER_ACCOUNT, SERVER_CLIENT_ID } from '../../server/access/accounts.js';
import { ClusterNode, redactedRedisUrl } from '../../server/broker/cluster.js';
import type { CliContext } from '../main.js';

export interface BrokerOptions {
  cluster: string;
  mqttPort?: string;
  httpPort?: string;
}

/**
 * `mqtt-classroom broker --cluster redis://…`: one node of aedes' cluster mode
 * (SPEC §9), with the embedded broker's access rules and accounts. Run one per
 * machine on the same redis; the hub connects to any of them with MQTT_URL.
 */
export async function runBroker(options: BrokerOptions, ctx: CliContext): Promise<void> {
  const config = loadBrokerEnv({ env: ctx.env });
  const logger = createLogger({ level: config.logLevel, name: 'broker' });
  const problems: ConfigProblem[] = [];
  const mqttPort = portOption('--mqtt-port', options.mqttPort, config.mqttPort, problems);
  const wsPort = portOption('--http-port', options.httpPort, config.httpPort, problems);
  if (config.deviceAccounts.has(SERVER_ACCOUNT)) {
    problems.push({ path: 'DEVICE_ACCOUNTS', message: `${SERVER_ACCOUNT} is the server's own account: give the device another name` });
  }
  if (problems.length > 0) throw new ConfigError('The broker options', problems);
  const serverPassword = serverPasswordOf(config);
  if (serverPassword === null) {
    logger.warn(
      `no password for the ${SERVER_ACCOUNT} account: the hub cannot publish polls and tallies through this node. ` +
        'Set SERVER_MQTT_PASSWORD (or MQTT_USERNAME=classroom-server and MQTT_PASSWORD, as the hub has them) on every node.',
    );
  }
  const accounts = new Accounts({
    serverPassword,
    serverClientId: config.mqttClientId ?? SERVER_CLIENT_ID,
    devices: config.deviceAccounts,
    browser:
      config.browserUsername !== null && config.browserPassword !== null
        ? { username: config.browserUsername, password: config.browserPassword }
        : null,
  });
  const node = new ClusterNode({
    redisUrl: options.cluster,
    host: config.mqttHost,
    mqttPort,
    wsPort,
    logger,
    limits: brokerLimitsFrom(config),
    access: { rules: createAccessRules({ topics: createTopics({ prefix: config.topicPrefix }), voteTopic: config.voteTopic }), accounts },
  });
  await node.start();
  ctx.stdout(
    [
      'mqtt-classroom cluster node is running',
      `  redis            ${redactedRedisUrl(options.cluster)}`,
      `  MQTT             mqtt://${config.mqttHost}:${node.mqttPort}`,
      `  WebSocket        ws://${config.mqttHost}:${node.wsPort}${node.broker.wsPath}`,
      `  server account   ${serverPassword === null ? 'none (see the warning above)' : SERVER_ACCOUNT}`,
      '  stop with Ctrl-C',
      '',
    ].join('\n'),
  );
  await new Promise<void>(() => {
    stopOnSignals(() => node.stop(), { logger });
  });
}

/**
 * The hub's own broker password. The embedded broker makes one up, but a node is
 * another process: it has to be told, either as SERVER_MQTT_PASSWORD or through
 * the hub's own settings (MQTT_USERNAME=classroom-server, MQTT_PASSWORD), so one
 * .env can serve both.
 */
export function serverPasswordOf(config: Pick<BrokerEnv, 'serverMqttPassword' | 'mqttUsername' | 'mqttPassword'>): string | null {
  if (config.serverMqttPassword !== null) return config.serverMqttPassword;
  return config.mqttUsername === SERVER_ACCOUNT ? config.mqttPassword : null;
}

function portOption(name: string, given: string | undefined, fallback: number, problems: ConfigProblem[]): number {
  if (given === undefined) return fallback;
  const value = Number(given);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    problems.push({ path: name, message: `must be a port number 0..65535 (got ${JSON.stringify(given)})` });
    return fallback;
  }
  return value;
}
