import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
// A namespace import (not `{ z }`): a bundler can then drop what is not used, zod's ~50 locales first.
import * as z from 'zod';
import type { BrokerUrls } from '../shared/broker-urls.js';
import { configErrorFromZod, friendlyZodMessage } from '../shared/errors/zod-problems.js';
import { type EnvKey, type EnvName, type EnvValues, envFields } from './env-fields.js';

/**
 * Each process reads only its own variables: a bad value in a variable another
 * process uses (SERVER_URL for the device, say) does not stop this one.
 */
export const SERVER_VARIABLES = [
  'mqttUrls',
  'mqttPort',
  'mqttHost',
  'httpPort',
  'httpHost',
  'mqttWsUrls',
  'publicUrl',
  'mqttUsername',
  'mqttPassword',
  'mqttClientId',
  'topicPrefix',
  'voteTopic',
  'adminToken',
  'dataDir',
  'logLevel',
  'tallyIntervalMs',
  'maxPayloadBytes',
  'brokerMaxConnections',
  'brokerMaxConnectionsPerAddress',
  'brokerMaxKeepaliveS',
  'brokerMaxPacketBytes',
  'backupKeep',
  'deviceAccounts',
  'browserUsername',
  'browserPassword',
] as const satisfies readonly EnvKey[];
export const DEVICE_VARIABLES = ['mqttUrls', 'mqttPort', 'mqttUsername', 'mqttPassword', 'mqttClientId', 'topicPrefix', 'dataDir', 'logLevel'] as const satisfies readonly EnvKey[];
/** `mqtt-classroom poll`: the admin API of the running server. */
export const ADMIN_VARIABLES = ['serverUrl', 'adminToken', 'dataDir'] as const satisfies readonly EnvKey[];
/** `mqtt-classroom chat`: a browser-like MQTT client. */
export const CHAT_VARIABLES = ['mqttUrls', 'mqttPort', 'mqttUsername', 'mqttPassword', 'browserUsername', 'browserPassword', 'topicPrefix'] as const satisfies readonly EnvKey[];

/** `mqtt-classroom broker --cluster`: one node, with the embedded broker's accounts and rules. */
export const BROKER_VARIABLES = [
  'mqttPort',
  'mqttHost',
  'httpPort',
  'mqttUsername',
  'mqttPassword',
  'mqttClientId',
  'serverMqttPassword',
  'topicPrefix',
  'voteTopic',
  'logLevel',
  'brokerMaxConnections',
  'brokerMaxConnectionsPerAddress',
  'brokerMaxKeepaliveS',
  'brokerMaxPacketBytes',
  'deviceAccounts',
  'hubAccounts',
  'browserUsername',
  'browserPassword',
] as const satisfies readonly EnvKey[];

/** The embedded broker's limits from a server's or a cluster node's variables. */
export function brokerLimitsFrom(config: Pick<EnvValues, 'brokerMaxConnections' | 'brokerMaxConnectionsPerAddress' | 'brokerMaxKeepaliveS' | 'brokerMaxPacketBytes'>) {
  return {
    maxConnections: config.brokerMaxConnections,
    maxPerAddress: config.brokerMaxConnectionsPerAddress,
    maxKeepaliveMs: config.brokerMaxKeepaliveS * 1000,
    maxPacketBytes: config.brokerMaxPacketBytes,
  };
}

export type BrokerEnv = Pick<EnvValues, (typeof BROKER_VARIABLES)[number]>;
export type ServerEnv = Pick<EnvValues, (typeof SERVER_VARIABLES)[number]>;
export type AdminEnv = Pick<EnvValues, (typeof ADMIN_VARIABLES)[number]>;

/** How a program reaches its broker. */
export interface MqttSettings {
  /** The broker, or several nodes of a cluster in the order they are tried. */
  readonly urls: BrokerUrls;
  readonly username: string | null;
  readonly password: string | null;
  /** null: the program's default client id. */
  readonly clientId: string | null;
}

/** What the device agent takes from its environment; the demo hands it the same shape. */
export interface DeviceEnv {
  readonly mqtt: MqttSettings;
  readonly topicPrefix: string;
  readonly dataDir: string;
  readonly logLevel: EnvValues['logLevel'];
}

export interface ChatEnv {
  readonly mqtt: MqttSettings;
  readonly topicPrefix: string;
}

/** The variable names with the defaults `.env.example` documents. */
export const ENV_DEFAULTS: Readonly<Record<EnvName, string>> = Object.freeze(
  Object.fromEntries(Object.values(envFields('.')).map((f) => [f.env, f.fallback])) as Record<EnvName, string>,
);
export type { EnvName };

export interface LoadEnvOptions {
  /** The process environment (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /** A `.env` file to read; values already in `env` win. Default `./.env` when present. */
  dotenvPath?: string | null;
  cwd?: string;
}

/** Reads the given variables from the environment (and `.env`), reports every problem together, freezes the result. */
export function loadVariables<K extends EnvKey>(keys: readonly K[], options: LoadEnvOptions = {}): Pick<EnvValues, K> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const dotenvPath = options.dotenvPath === undefined ? resolve(cwd, '.env') : options.dotenvPath;
  const fromFile = dotenvPath !== null && existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  const fields = envFields(cwd);
  const raw: Record<string, string> = {};
  const shape: Record<string, z.ZodType> = {};
  for (const key of keys) {
    const { env: name, fallback, schema } = fields[key];
    raw[key] = (env[name] ?? fromFile[name] ?? fallback).trim();
    shape[key] = schema;
  }
  const parsed = z.object(shape).safeParse(raw, { error: friendlyZodMessage });
  if (!parsed.success) {
    throw configErrorFromZod('The environment (.env)', parsed.error.issues, {
      name: (path) => fields[path[0] as K].env,
      input: (path) => raw[String(path[0])] ?? '',
    });
  }
  return Object.freeze(parsed.data) as Pick<EnvValues, K>;
}

export function loadServerEnv(options: LoadEnvOptions = {}): ServerEnv {
  return loadVariables(SERVER_VARIABLES, options);
}

export function loadBrokerEnv(options: LoadEnvOptions = {}): BrokerEnv {
  return loadVariables(BROKER_VARIABLES, options);
}

export function loadAdminEnv(options: LoadEnvOptions = {}): AdminEnv {
  return loadVariables(ADMIN_VARIABLES, options);
}

/** No MQTT_URL: the broker on this machine (the server's embedded broker or Mosquitto). */
export function localBrokerUrl(port: number): BrokerUrls {
  return [`mqtt://127.0.0.1:${port}`];
}

export function loadDeviceEnv(options: LoadEnvOptions = {}): DeviceEnv {
  const v = loadVariables(DEVICE_VARIABLES, options);
  return Object.freeze({
    mqtt: Object.freeze({ urls: v.mqttUrls ?? localBrokerUrl(v.mqttPort), username: v.mqttUsername, password: v.mqttPassword, clientId: v.mqttClientId }),
    topicPrefix: v.topicPrefix,
    dataDir: v.dataDir,
    logLevel: v.logLevel,
  });
}

export function loadChatEnv(options: LoadEnvOptions = {}): ChatEnv {
  const v = loadVariables(CHAT_VARIABLES, options);
  // The browsers' low-privilege account when there is one (chat is what browsers
  // do), else this machine's MQTT account, else anonymous.
  const browser = v.browserUsername !== null;
  return Object.freeze({
    mqtt: Object.freeze({
      urls: v.mqttUrls ?? localBrokerUrl(v.mqttPort),
      username: browser ? v.browserUsername : v.mqttUsername,
      password: browser ? v.browserPassword : v.mqttPassword,
      clientId: null,
    }),
    topicPrefix: v.topicPrefix,
  });
}
