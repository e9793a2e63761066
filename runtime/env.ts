import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../shared/errors/config-error.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../shared/codecs/payload.js';
import { idProblem } from '../shared/ids.js';
import { DEFAULT_PREFIX, assertPrefix } from '../shared/topics.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

/**
 * Every environment variable the project reads, with its default. `.env.example`
 * mirrors this list (a test checks they agree).
 */
export const ENV_DEFAULTS = {
  MQTT_URL: '',
  MQTT_PORT: '1883',
  MQTT_HOST: '0.0.0.0',
  HTTP_PORT: '8080',
  HTTP_HOST: '0.0.0.0',
  MQTT_WS_URL: '',
  PUBLIC_URL: '',
  MQTT_USERNAME: '',
  MQTT_PASSWORD: '',
  MQTT_CLIENT_ID: '',
  TOPIC_PREFIX: DEFAULT_PREFIX,
  VOTE_TOPIC: '',
  ADMIN_TOKEN: '',
  DATA_DIR: './data',
  LOG_LEVEL: 'info',
  TALLY_INTERVAL_MS: '50',
  MAX_PAYLOAD_BYTES: String(DEFAULT_MAX_PAYLOAD_BYTES),
  DEVICE_ACCOUNTS: '',
  SERVER_URL: 'http://127.0.0.1:8080',
  BROWSER_MQTT_USERNAME: '',
  BROWSER_MQTT_PASSWORD: '',
} as const;
export type EnvName = keyof typeof ENV_DEFAULTS;

const port = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be 0..65535`)
    .max(65535, `${name} must be 0..65535`);

const mqttUrl = z
  .string()
  .refine((v) => v === '' || /^(mqtts?|wss?|tcp|ssl):\/\/[^/\s]+/.test(v), 'must look like mqtt://host:1883 (or mqtts://, ws://, wss://)');

const schema = z.object({
  MQTT_URL: mqttUrl,
  MQTT_PORT: port('MQTT_PORT'),
  MQTT_HOST: z.string().min(1),
  HTTP_PORT: port('HTTP_PORT'),
  HTTP_HOST: z.string().min(1),
  MQTT_WS_URL: z.string().refine((v) => v === '' || /^wss?:\/\//.test(v), 'must start with ws:// or wss://'),
  PUBLIC_URL: z.string().refine((v) => v === '' || /^https?:\/\/[^/\s]+/.test(v), 'must look like http://192.168.1.20:8080'),
  MQTT_USERNAME: z.string(),
  MQTT_PASSWORD: z.string(),
  MQTT_CLIENT_ID: z.string().refine((v) => v === '' || /^[\x21-\x7e]{1,128}$/.test(v), 'must be 1 to 128 printable ASCII characters without spaces'),
  TOPIC_PREFIX: z.string().superRefine((v, ctx) => {
    try {
      assertPrefix(v);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    }
  }),
  VOTE_TOPIC: z
    .string()
    .refine((v) => v === '' || (!/[+#]/.test(v) && !v.split('/').includes('')), 'must be a topic without wildcards, like test/phone'),
  ADMIN_TOKEN: z.string().refine((v) => v === '' || v.length >= 8, 'must be at least 8 characters (or empty to generate one)'),
  DATA_DIR: z.string().min(1),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
  TALLY_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000),
  MAX_PAYLOAD_BYTES: z.coerce.number().int().min(64).max(256 * 1024),
  DEVICE_ACCOUNTS: z.string().superRefine((v, ctx) => {
    for (const entry of splitList(v)) {
      const [name, password] = splitAccount(entry);
      if (idProblem(name) !== null || password.length === 0) {
        ctx.addIssue({ code: 'custom', message: `entry ${JSON.stringify(name)} must be name:password with a valid name` });
      }
    }
  }),
  SERVER_URL: z.string().refine((v) => /^https?:\/\//.test(v), 'must start with http:// or https://'),
  BROWSER_MQTT_USERNAME: z.string(),
  BROWSER_MQTT_PASSWORD: z.string(),
});

export interface EnvConfig {
  readonly mqttUrl: string | null;
  readonly mqttPort: number;
  readonly mqttHost: string;
  readonly httpPort: number;
  readonly httpHost: string;
  readonly mqttWsUrl: string | null;
  /** Where phones reach the pages (the kiosk's QR code); null: found from the LAN address. */
  readonly publicUrl: string | null;
  readonly mqttUsername: string | null;
  readonly mqttPassword: string | null;
  /** This program's MQTT client id; null: the default of the server or the device. */
  readonly mqttClientId: string | null;
  readonly topicPrefix: string;
  readonly voteTopic: string | null;
  readonly adminToken: string | null;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  readonly tallyIntervalMs: number;
  readonly maxPayloadBytes: number;
  readonly deviceAccounts: ReadonlyMap<string, string>;
  readonly serverUrl: string;
  /** A low-privilege account for browsers (secure profile); not a secret by design. */
  readonly browserUsername: string | null;
  readonly browserPassword: string | null;
}

export interface LoadEnvOptions {
  /** The process environment (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /** A `.env` file to read; values already in `env` win. Default `./.env` when present. */
  dotenvPath?: string | null;
  cwd?: string;
}

/** Reads the environment (and `.env`) once, reports every problem together, freezes the result. */
export function loadEnv(options: LoadEnvOptions = {}): EnvConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const dotenvPath = options.dotenvPath === undefined ? resolve(cwd, '.env') : options.dotenvPath;
  const fromFile = dotenvPath !== null && existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  const raw: Record<string, string> = {};
  for (const name of Object.keys(ENV_DEFAULTS) as EnvName[]) {
    raw[name] = (env[name] ?? fromFile[name] ?? ENV_DEFAULTS[name]).trim();
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems: ConfigProblem[] = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: `${issue.message} (got ${JSON.stringify(raw[String(issue.path[0])] ?? '')})`,
    }));
    throw new ConfigError('The environment (.env)', problems);
  }
  const v = parsed.data;
  const orNull = (value: string) => (value === '' ? null : value);
  return Object.freeze({
    mqttUrl: orNull(v.MQTT_URL),
    mqttPort: v.MQTT_PORT,
    mqttHost: v.MQTT_HOST,
    httpPort: v.HTTP_PORT,
    httpHost: v.HTTP_HOST,
    mqttWsUrl: orNull(v.MQTT_WS_URL),
    publicUrl: orNull(v.PUBLIC_URL.replace(/\/+$/, '')),
    mqttUsername: orNull(v.MQTT_USERNAME),
    mqttPassword: orNull(v.MQTT_PASSWORD),
    mqttClientId: orNull(v.MQTT_CLIENT_ID),
    topicPrefix: v.TOPIC_PREFIX,
    voteTopic: orNull(v.VOTE_TOPIC),
    adminToken: orNull(v.ADMIN_TOKEN),
    dataDir: resolve(cwd, v.DATA_DIR),
    logLevel: v.LOG_LEVEL,
    tallyIntervalMs: v.TALLY_INTERVAL_MS,
    maxPayloadBytes: v.MAX_PAYLOAD_BYTES,
    deviceAccounts: new Map(splitList(v.DEVICE_ACCOUNTS).map(splitAccount)),
    serverUrl: v.SERVER_URL.replace(/\/+$/, ''),
    browserUsername: orNull(v.BROWSER_MQTT_USERNAME),
    browserPassword: orNull(v.BROWSER_MQTT_PASSWORD),
  });
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function splitAccount(entry: string): [string, string] {
  const at = entry.indexOf(':');
  return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
}
