import { type BrokerEnv, brokerLimitsFrom, loadBrokerEnv } from '../../runtime/env.js';
import { stopOnSignals } from '../../runtime/lifecycle.js';
import { createLogger } from '../../runtime/logger.js';
import { ConfigError, type ConfigProblem } from '../../shared/errors/config-error.js';
import { assertPrefix } from '../../shared/topics.js';
import { Accounts, SERVER_ACCOUNT, SERVER_CLIENT_ID, hubAccountName } from '../../server/access/accounts.js';
import { createRoomsAccessRules } from '../../server/access/rooms.js';
import type { BrokerAccess } from '../../server/broker/access-hooks.js';
import { ClusterNode, redactedRedisUrl } from '../../server/broker/cluster.js';
import type { CliContext } from '../main.js';

export interface BrokerOptions {
  cluster: string;
  mqttPort?: string;
  httpPort?: string;
  /** The rooms this node serves (repeatable --prefix); none: TOPIC_PREFIX. */
  prefix?: string[];
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
  const prefixes = options.prefix !== undefined && options.prefix.length > 0 ? options.prefix : [config.topicPrefix];
  const access = nodeAccess(config, prefixes, problems);
  if (problems.length > 0) throw new ConfigError('The broker options', problems);
  if (serverPasswordOf(config) === null && !prefixes.every((prefix) => config.hubAccounts.has(prefix))) {
    logger.warn(
      `no password for the ${SERVER_ACCOUNT} account: the hub cannot publish polls and tallies through this node. ` +
        'Set SERVER_MQTT_PASSWORD (or MQTT_USERNAME=classroom-server and MQTT_PASSWORD, as the hub has them) on every node' +
        (prefixes.length > 1 ? ', or give each room its hub account in HUB_ACCOUNTS.' : '.'),
    );
  }
  const node = new ClusterNode({
    redisUrl: options.cluster,
    host: config.mqttHost,
    mqttPort,
    wsPort,
    logger,
    limits: brokerLimitsFrom(config),
    access,
  });
  await node.start();
  ctx.stdout(
    [
      'mqtt-classroom cluster node is running',
      `  redis            ${redactedRedisUrl(options.cluster)}`,
      `  MQTT             mqtt://${config.mqttHost}:${node.mqttPort}`,
      `  WebSocket        ws://${config.mqttHost}:${node.wsPort}${node.broker.wsPath}`,
      `  rooms            ${prefixes.join(', ')}`,
      `  hub accounts     ${hubAccounts(config, prefixes)}`,
      '  stop with Ctrl-C',
      '',
    ].join('\n'),
  );
  await new Promise<void>(() => {
    stopOnSignals(() => node.stop(), { logger });
  });
}

/**
 * The accounts and the rules of a node serving `prefixes` (the first is
 * TOPIC_PREFIX's room: the plain classroom-server account is its hub), as the
 * embedded broker has them for one room. Problems are added to `problems`.
 */
export function nodeAccess(config: BrokerEnv, prefixes: readonly string[], problems: ConfigProblem[]): BrokerAccess {
  const valid = prefixes.filter((prefix) => {
    try {
      assertPrefix(prefix);
      return true;
    } catch (error) {
      problems.push({ path: '--prefix', message: error instanceof Error ? error.message : String(error) });
      return false;
    }
  });
  for (const prefix of config.hubAccounts.keys()) {
    if (!prefixes.includes(prefix)) problems.push({ path: 'HUB_ACCOUNTS', message: `${prefix} is not a room of this node: add --prefix ${prefix} or remove it` });
  }
  if (config.deviceAccounts.has(SERVER_ACCOUNT)) {
    problems.push({ path: 'DEVICE_ACCOUNTS', message: `${SERVER_ACCOUNT} is the server's own account: give the device another name` });
  }
  const accounts = new Accounts({
    serverPassword: serverPasswordOf(config),
    serverClientId: config.mqttClientId ?? SERVER_CLIENT_ID,
    devices: config.deviceAccounts,
    hubs: config.hubAccounts,
    browser:
      config.browserUsername !== null && config.browserPassword !== null
        ? { username: config.browserUsername, password: config.browserPassword }
        : null,
  });
  return { rules: createRoomsAccessRules({ prefixes: valid.length > 0 ? valid : [config.topicPrefix], voteTopic: config.voteTopic }), accounts };
}

function hubAccounts(config: BrokerEnv, prefixes: readonly string[]): string {
  const names = prefixes.filter((prefix) => config.hubAccounts.has(prefix)).map(hubAccountName);
  if (serverPasswordOf(config) !== null) names.unshift(`${SERVER_ACCOUNT} (${prefixes[0] ?? ''})`);
  return names.length === 0 ? 'none (see the warning above)' : names.join(', ');
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
