import { resolve } from 'node:path';
// A namespace import (not `{ z }`): a bundler can then drop what is not used, zod's ~50 locales first.
import * as z from 'zod';
import { type BrokerUrls, brokerUrlsProblem, splitBrokerUrls } from '../shared/broker-urls.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../shared/codecs/payload.js';
import { idProblem } from '../shared/ids.js';
import { DEFAULT_PREFIX, assertPrefix } from '../shared/topics.js';
import { LOG_LEVELS } from './logger.js';

/**
 * Every environment variable the project reads: its name, its default (as written
 * in `.env`) and the schema that checks the text and turns it into the value a
 * program uses. Each process builds its own schema from the fields it needs
 * (runtime/env.ts), so these are written once. `.env.example` mirrors this list
 * (a test checks they agree).
 */
export interface Field<N extends string, T> {
  /** The variable's name. */
  readonly env: N;
  /** Its value when neither the environment nor `.env` sets it. */
  readonly fallback: string;
  /** Checks the (trimmed) text and turns it into the value. */
  readonly schema: z.ZodType<T>;
}

const field = <N extends string, T>(env: N, fallback: string, schema: z.ZodType<T>): Field<N, T> => ({ env, fallback, schema });

const orNull = (value: string): string | null => (value === '' ? null : value);
const optional = (check: (value: string) => boolean, message: string) => z.string().refine((v) => v === '' || check(v), message).transform(orNull);

const port = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be 0..65535`)
    .max(65535, `${name} must be 0..65535`);

const count = (min: number, max: number) => z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

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

/** A broker URL as MQTT.js takes it (also `--broker` of the server command). */
export const MQTT_URL = /^(mqtts?|wss?|tcp|ssl):\/\/[^/\s]+/;

/** A WebSocket broker URL, as browsers take it. */
const WS_URL = /^wss?:\/\/[^/\s]+/;

/** `cwd` is where a relative DATA_DIR starts. */
export function envFields(cwd: string) {
  return {
    /** One broker, or several nodes of a cluster, comma-separated: clients fail over in order (shared/broker-urls.ts). */
    mqttUrls: field(
      'MQTT_URL',
      '',
      z
        .string()
        .superRefine((v, ctx) => {
          if (v === '') return;
          const problem = brokerUrlsProblem(splitBrokerUrls(v), MQTT_URL, 'mqtt://host:1883 (or mqtts://, ws://, wss://)');
          if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
        })
        .transform((v): BrokerUrls | null => (v === '' ? null : (splitBrokerUrls(v) as unknown as BrokerUrls))),
    ),
    mqttPort: field('MQTT_PORT', '1883', port('MQTT_PORT')),
    mqttHost: field('MQTT_HOST', '0.0.0.0', z.string().min(1, 'must not be empty')),
    httpPort: field('HTTP_PORT', '8080', port('HTTP_PORT')),
    httpHost: field('HTTP_HOST', '0.0.0.0', z.string().min(1, 'must not be empty')),
    /** What browsers connect to: one WebSocket URL or several nodes, comma-separated (sent as a list in /config.json). */
    mqttWsUrls: field(
      'MQTT_WS_URL',
      '',
      z
        .string()
        .superRefine((v, ctx) => {
          if (v === '') return;
          const problem = brokerUrlsProblem(splitBrokerUrls(v), WS_URL, 'ws://host:9001/mqtt (or wss://)');
          if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
        })
        .transform((v): BrokerUrls | null => (v === '' ? null : (splitBrokerUrls(v) as unknown as BrokerUrls))),
    ),
    /** Where phones reach the pages (the kiosk's QR code); null: found from the LAN address. */
    publicUrl: field(
      'PUBLIC_URL',
      '',
      z
        .string()
        .refine((v) => v === '' || /^https?:\/\/[^/\s]+/.test(v), 'must look like http://192.168.1.20:8080')
        .transform((v) => orNull(v.replace(/\/+$/, ''))),
    ),
    mqttUsername: field('MQTT_USERNAME', '', z.string().transform(orNull)),
    mqttPassword: field('MQTT_PASSWORD', '', z.string().transform(orNull)),
    /** This program's MQTT client id; null: the default of the server or the device. */
    mqttClientId: field('MQTT_CLIENT_ID', '', optional((v) => /^[\x21-\x7e]{1,128}$/.test(v), 'must be 1 to 128 printable ASCII characters without spaces')),
    topicPrefix: field(
      'TOPIC_PREFIX',
      DEFAULT_PREFIX,
      z.string().superRefine((v, ctx) => {
        try {
          assertPrefix(v);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        }
      }),
    ),
    voteTopic: field('VOTE_TOPIC', '', optional((v) => !/[+#]/.test(v) && !v.split('/').includes(''), 'must be a topic without wildcards, like test/phone')),
    adminToken: field('ADMIN_TOKEN', '', optional((v) => v.length >= 8, 'must be at least 8 characters (or empty to generate one)')),
    dataDir: field('DATA_DIR', './data', z.string().min(1, 'must not be empty').transform((v) => resolve(cwd, v))),
    logLevel: field('LOG_LEVEL', 'info', z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
    tallyIntervalMs: field('TALLY_INTERVAL_MS', '50', count(0, 60_000)),
    maxPayloadBytes: field('MAX_PAYLOAD_BYTES', String(DEFAULT_MAX_PAYLOAD_BYTES), count(64, 256 * 1024)),
    // The embedded broker's limits (SPEC §8, docs/server.md): sized for a Pi's 1,024 open files.
    brokerMaxConnections: field('BROKER_MAX_CONNECTIONS', '400', count(1, 100_000)),
    brokerMaxConnectionsPerAddress: field('BROKER_MAX_CONNECTIONS_PER_ADDRESS', '32', count(1, 100_000)),
    brokerMaxKeepaliveS: field('BROKER_MAX_KEEPALIVE_S', '300', count(5, 65_535)),
    brokerMaxPacketBytes: field('BROKER_MAX_PACKET_BYTES', '65536', count(1_024, 256 * 1024 * 1024)),
    backupKeep: field('BACKUP_KEEP', '7', count(0, 1000)),
    deviceAccounts: field(
      'DEVICE_ACCOUNTS',
      '',
      z
        .string()
        .superRefine((v, ctx) => {
          for (const entry of splitList(v)) {
            const [name, password] = splitAccount(entry);
            if (idProblem(name) !== null || password.length === 0) {
              ctx.addIssue({ code: 'custom', message: `entry ${JSON.stringify(name)} must be name:password with a valid name` });
            }
          }
        })
        .transform((v): ReadonlyMap<string, string> => new Map(splitList(v).map(splitAccount))),
    ),
    /** A cluster node serving several rooms: each room's hub password, `prefix:password,...` (`mqtt-classroom broker --prefix`). */
    hubAccounts: field(
      'HUB_ACCOUNTS',
      '',
      z
        .string()
        .superRefine((v, ctx) => {
          for (const entry of splitList(v)) {
            const [prefix, password] = splitAccount(entry);
            let problem: string | null = null;
            try {
              assertPrefix(prefix);
            } catch (error) {
              problem = error instanceof Error ? error.message : String(error);
            }
            if (problem !== null || password.length === 0) {
              ctx.addIssue({ code: 'custom', message: `entry ${JSON.stringify(prefix)} must be prefix:password with a valid topic prefix${problem === null ? '' : ` (${problem})`}` });
            }
          }
        })
        .transform((v): ReadonlyMap<string, string> => new Map(splitList(v).map(splitAccount))),
    ),
    serverUrl: field(
      'SERVER_URL',
      'http://127.0.0.1:8080',
      z
        .string()
        .refine((v) => /^https?:\/\//.test(v), 'must start with http:// or https://')
        .transform((v) => v.replace(/\/+$/, '')),
    ),
    /** A low-privilege account for browsers (secure profile); not a secret by design. */
    browserUsername: field('BROWSER_MQTT_USERNAME', '', z.string().transform(orNull)),
    browserPassword: field('BROWSER_MQTT_PASSWORD', '', z.string().transform(orNull)),
    /** A cluster node's copy of the hub's broker password (`mqtt-classroom broker`). */
    serverMqttPassword: field('SERVER_MQTT_PASSWORD', '', z.string().transform((v) => orNull(v.trim()))),
  };
}

export type EnvFields = ReturnType<typeof envFields>;
export type EnvKey = keyof EnvFields;
/** The value a program gets for each field. */
export type EnvValues = { readonly [K in EnvKey]: EnvFields[K] extends Field<string, infer T> ? T : never };
/** `MQTT_URL`, `DATA_DIR`, …: every variable name. */
export type EnvName = EnvFields[EnvKey]['env'];
