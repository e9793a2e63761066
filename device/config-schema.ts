// A namespace import (not `{ z }`): a bundler can then drop what is not used, zod's ~50 locales first.
import * as z from 'zod';
import { idProblem } from '../shared/ids.js';
import { DEFAULT_BREAD_THRESHOLDS as T } from '../shared/bread.js';
import { MAX_OPTIONS } from '../shared/poll.js';
import { nameProblem } from '../shared/quiz/names.js';
import { BREAD_TEMPERATURE_TOPIC, BREAD_TOPIC, HOME_ASSISTANT_PREFIX } from '../shared/topics.js';

/**
 * The JSON pin map (`device.json`) as zod schemas. Objects are strict so a typo in a
 * field name ("debouce") is reported instead of silently ignored. Defaults live
 * here; `config.ts` adds the checks that span several fields.
 */

const id = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `is required (${what})` : `${what} must be text`) }).superRefine((value, ctx) => {
    const problem = idProblem(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: `${what} ${JSON.stringify(value)}: ${problem}` });
  });

const ms = (what: string, min: number, max: number) =>
  z
    .number({ error: (issue) => (issue.input === undefined ? 'is required' : `${what} must be a number of milliseconds`) })
    .int(`${what} must be a whole number of milliseconds`)
    .min(min, `${what} must be at least ${min} ms`)
    .max(max, `${what} must be at most ${max} ms`);

/**
 * A topic the broker's access rules (server/access/access-rules.ts, the Mosquitto
 * ACL) let every device publish on: any other value would get the device
 * disconnected at its first publish, so it is refused here instead.
 */
const fixedTopic = (what: string, value: string, why: string) =>
  z.literal(value, { error: `${what} must be ${JSON.stringify(value)}: ${why}` });

/** What a press or a long press does: vote for an option (its position 1..N in the poll, or its id), or nothing but the button event. */
const action = z.union([z.literal('none'), z.strictObject({ vote: z.union([z.number().int().min(1).max(MAX_OPTIONS), id('option id')]) })], {
  error: `expected {"vote": <option position 1..${MAX_OPTIONS} or option id>} or "none"`,
});

const BCM_PIN = z.number({ error: 'must be a BCM GPIO number (0..27 on the 40-pin header)' }).int().min(0).max(53);
const FIRMATA_PIN_HELP = 'must be a pin number (4) or an analog pin name ("A0")';
const FIRMATA_PIN = z.union([z.number().int(FIRMATA_PIN_HELP).min(0, FIRMATA_PIN_HELP).max(127, FIRMATA_PIN_HELP), z.string().regex(/^A\d{1,2}$/, FIRMATA_PIN_HELP)], {
  error: FIRMATA_PIN_HELP,
});

const buttonBase = {
  id: id('button id').optional(),
  press: action.optional(),
  longPress: action.optional(),
  holdMs: ms('holdMs', 50, 60_000).optional(),
};

const gpioButton = z.strictObject({ ...buttonBase, pin: BCM_PIN, led: BCM_PIN.optional(), activeLow: z.boolean().optional() });
const firmataButton = z.strictObject({
  ...buttonBase,
  pin: FIRMATA_PIN,
  led: FIRMATA_PIN.optional(),
  pullup: z.boolean().optional(),
  invert: z.boolean().optional(),
});
const plainButton = z.strictObject(buttonBase);
const plainButtons = z.union([z.number().int().min(1).max(9), z.array(plainButton).min(1).max(9)], {
  error: 'buttons must be a count (1..9) or a list of up to 9 buttons',
});

const debounceMs = ms('debounceMs', 0, 1_000).default(30);
const holdMs = ms('holdMs', 50, 60_000).default(800);

export const gpioInputSchema = z.strictObject({
  type: z.literal('gpio'),
  buttons: z.array(gpioButton).min(1, 'list at least one button'),
  activeLow: z.boolean().default(true),
  debounceMs,
  holdMs,
  /** Override of the gpiochip found in /sys/class/gpio (rarely needed). */
  chip: z.strictObject({ label: z.string().min(1).optional(), base: z.number().int().min(0).optional() }).optional(),
});

export const firmataInputSchema = z.strictObject({
  type: z.literal('firmata'),
  board: id('board id'),
  buttons: z.array(firmataButton).min(1, 'list at least one button'),
  pullup: z.boolean().default(true),
  invert: z.boolean().optional(),
  debounceMs,
  holdMs,
});

export const keyboardInputSchema = z.strictObject({
  type: z.literal('keyboard'),
  buttons: plainButtons.default(4),
  holdMs,
  // No releaseAfterMs any more: every keystroke is a press (device/inputs/keyboard.ts).
});

export const simulationInputSchema = z.strictObject({
  type: z.literal('simulation'),
  buttons: plainButtons.default(4),
  ratePerSecond: z.number().positive('ratePerSecond must be more than 0').max(1_000).default(1),
  /** How many presses in all; null presses forever. */
  count: z.number().int().min(0).nullable().default(null),
  pattern: z.enum(['round-robin', 'random'], { error: 'pattern must be round-robin or random' }).default('round-robin'),
  /** How long each simulated press is held down. */
  pressMs: ms('pressMs', 1, 60_000).default(80),
  startAfterMs: ms('startAfterMs', 0, 3_600_000).default(0),
  // Simulated edges are clean: no debounce unless a test asks for it.
  debounceMs: ms('debounceMs', 0, 1_000).default(0),
  holdMs,
});

export const inputSchema = z.discriminatedUnion('type', [gpioInputSchema, firmataInputSchema, keyboardInputSchema, simulationInputSchema], {
  error: 'type must be one of gpio, firmata, keyboard, simulation',
});

export const boardSchema = z
  .strictObject({
    id: id('board id'),
    /** StandardFirmataWiFi / ConfigurableFirmata over TCP. */
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65_535).default(3030),
    /** USB serial: /dev/ttyACM0, /dev/ttyUSB0, COM3. */
    serial: z.string().min(1).optional(),
    baudRate: z.number().int().positive().default(57_600),
    timeoutMs: ms('timeoutMs', 500, 120_000).default(15_000),
    /** Over TCP: how often the agent checks the board still answers (a Wi-Fi drop closes nothing). */
    heartbeatMs: ms('heartbeatMs', 100, 60_000).default(2_000),
  })
  .refine((b) => (b.host === undefined) !== (b.serial === undefined), {
    message: 'give either "host" (Firmata over Wi-Fi/TCP) or "serial" (USB), not both or neither',
  });

const ds18b20Schema = z.strictObject({
  type: z.literal('ds18b20'),
  /** The probe's folder name (28-0316a2797aff); optional when there is only one. */
  id: z.string().regex(/^28-[0-9a-f]{12}$/i, 'id must look like 28-0316a2797aff (see ls /sys/bus/w1/devices)').optional(),
  w1Root: z.string().min(1).default('/sys/bus/w1/devices'),
});

const j5ThermometerSchema = z.strictObject({
  type: z.literal('firmata'),
  board: id('board id'),
  controller: z.enum(['TMP36', 'LM35', 'DS18B20', 'ANALOG'], { error: 'controller must be TMP36, LM35, DS18B20 or ANALOG' }).default('TMP36'),
  pin: FIRMATA_PIN,
  /** Analog reference voltage: 5 on an Uno, 3.3 on an ESP32. */
  aref: z.number().positive().max(12).optional(),
  freqMs: ms('freqMs', 25, 60_000).default(500),
});

const simulatedOvenSchema = z.strictObject({
  type: z.literal('simulated'),
  /** Time from cold to the hottest point of the curve. */
  durationMs: ms('durationMs', 100, 24 * 3_600_000).default(180_000),
  ambient: z.number().min(-40).max(60).default(20),
  peak: z.number().min(0).max(400).default(105),
  /** Amplitude of the wobble of a real probe, in °C. */
  wobble: z.number().min(0).max(20).default(0.6),
  /** After the peak, cool down and bake again (for a demo that runs all day). */
  repeat: z.boolean().default(true),
});

export const sensorSchema = z.discriminatedUnion('type', [ds18b20Schema, j5ThermometerSchema, simulatedOvenSchema], {
  error: 'type must be one of ds18b20, firmata, simulated',
});

export const breadSchema = z.strictObject({
  sensor: sensorSchema,
  intervalMs: ms('intervalMs', 20, 3_600_000).default(2_000),
  /** A reading is published when it moved more than this since the last one published... */
  deltaC: z.number().min(0).max(50).default(0.5),
  /** ...or when this long passed, so a dashboard sees the probe is alive. */
  heartbeatMs: ms('heartbeatMs', 100, 24 * 3_600_000).default(60_000),
  thresholds: z
    .strictObject({
      bakingAt: z.number().default(T.bakingAt),
      readyAt: z.number().default(T.readyAt),
      burntAt: z.number().default(T.burntAt),
      hysteresis: z.number().default(T.hysteresis),
      burntAfterMs: z.number().int().positive().nullable().default(T.burntAfterMs),
    })
    .prefault({}),
  topic: fixedTopic('topic', BREAD_TOPIC, 'the broker lets devices publish the bread there only, and the pages read it there').default(BREAD_TOPIC),
  temperatureTopic: fixedTopic('temperatureTopic', BREAD_TEMPERATURE_TOPIC, 'the pages read the temperature there only').default(BREAD_TEMPERATURE_TOPIC),
});

/** `true`/`false` are short for `{"enabled": …}`; an object says why a field is wrong. */
export const homeAssistantSchema = z.preprocess(
  (value) => (typeof value === 'boolean' ? { enabled: value } : value),
  z.strictObject(
    {
      enabled: z.boolean().default(true),
      prefix: fixedTopic('prefix', HOME_ASSISTANT_PREFIX, "the broker lets devices publish Home Assistant discovery there only (Home Assistant's default)").default(HOME_ASSISTANT_PREFIX),
    },
    { error: 'homeAssistant must be true, false or {"enabled": true, "prefix": "homeassistant"}' },
  ),
);

export const outboxSchema = z.strictObject({
  /** Default: DATA_DIR/outbox-<deviceId>.sqlite */
  path: z.string().min(1).nullable().default(null),
  maxEntries: z.number().int().min(1).max(1_000_000).default(10_000),
  receiptTimeoutMs: ms('receiptTimeoutMs', 100, 3_600_000).default(10_000),
  maxInFlight: z.number().int().min(1).max(1_000).default(50),
});

export const deviceSchema = z.strictObject({
  $schema: z.string().optional(),
  deviceId: id('deviceId'),
  /** A human name (Home Assistant, logs); default the device id. */
  name: z.string().min(1).max(64).optional(),
  /** Vote on this poll; absent: follow whichever poll is open. */
  pollId: id('pollId').optional(),
  /** In a quiz, this box's presses score for this team name (docs/web.md, "Quiz mode"). */
  team: z
    .string()
    .refine((value) => nameProblem(value) === null, { error: (issue) => `team: ${nameProblem(issue.input) ?? 'invalid'}` })
    .optional(),
  inputs: z.array(inputSchema).default([]),
  boards: z.array(boardSchema).default([]),
  bread: breadSchema.optional(),
  // prefault: the default goes through the schema, so its own defaults fill it.
  homeAssistant: homeAssistantSchema.prefault(false),
  outbox: outboxSchema.prefault({}),
});

/** What `device.json` holds once checked and its defaults filled; config.ts derives the agent's config from it. */
export type RawDeviceConfig = z.output<typeof deviceSchema>;
export type RawInput = RawDeviceConfig['inputs'][number];
export type RawBoard = RawDeviceConfig['boards'][number];
export type RawAction = z.output<typeof action>;
