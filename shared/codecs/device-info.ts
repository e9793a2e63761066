/**
 * What a device agent says about itself on `<prefix>/devices/<id>/info`
 * (retained, QoS 1; only that device's account may publish it), so the teacher
 * sees the room at a glance: the agent's version, its inputs and what each
 * button votes for, its sensors, the votes waiting in its outbox, and when it
 * last did something. Anyone may read it (SPEC §8): it carries no voter id, no
 * secret, no client id.
 *
 * {"version":"0.4.0","inputs":[{"type":"gpio","buttons":[{"id":"1","press":1,"longPress":null}]}],
 *  "sensors":[{"type":"ds18b20","topic":"pain/cuisson"}],"outbox":0,"lastActivity":1700000000000,"at":1700000000000}
 */
import { type Payload, decodeText, field, parseJsonObject } from './payload.js';
import { type Decoded, accept, reject } from './rejection.js';

/** Big enough for a few dozen buttons; far under every broker's packet limit. */
export const MAX_DEVICE_INFO_BYTES = 16 * 1024;
const MAX_TEXT = 64;
const MAX_ITEMS = 64;

/** What a press votes for: an option by position (1..N) or id; null: it only publishes its button event. */
export type InfoAction = number | string | null;

export interface DeviceInfoButton {
  readonly id: string;
  readonly press: InfoAction;
  readonly longPress: InfoAction;
}

export interface DeviceInfoInput {
  /** The back end: gpio, firmata, keyboard, simulation. */
  readonly type: string;
  readonly buttons: readonly DeviceInfoButton[];
}

export interface DeviceInfoSensor {
  readonly type: string;
  /** Where its readings go (the bread topic). */
  readonly topic: string | null;
}

export interface DeviceInfo {
  /** The agent's package version. */
  readonly version: string;
  readonly inputs: readonly DeviceInfoInput[];
  readonly sensors: readonly DeviceInfoSensor[];
  /** Votes waiting for their receipt. */
  readonly outbox: number;
  /** Device clock, epoch ms, of its last press (or start); null before any. */
  readonly lastActivity: number | null;
  /** Device clock, epoch ms, when this was published. */
  readonly at: number;
}

export function encodeDeviceInfo(info: DeviceInfo): string {
  return JSON.stringify({
    version: info.version,
    inputs: info.inputs.map((input) => ({ type: input.type, buttons: input.buttons.map((b) => ({ id: b.id, press: b.press, longPress: b.longPress })) })),
    sensors: info.sensors.map((s) => ({ type: s.type, topic: s.topic })),
    outbox: info.outbox,
    lastActivity: info.lastActivity,
    at: info.at,
  });
}

export function decodeDeviceInfo(payload: Payload): Decoded<DeviceInfo> {
  const text = decodeText(payload, MAX_DEVICE_INFO_BYTES);
  if (!text.ok) return text;
  const parsed = parseJsonObject(text.value);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const version = field(o, 'version');
  const outbox = field(o, 'outbox');
  const lastActivity = field(o, 'lastActivity');
  const at = field(o, 'at');
  if (!isText(version)) return reject('bad-type', 'version must be text of 1 to 64 characters');
  if (!(Number.isSafeInteger(outbox) && (outbox as number) >= 0)) return reject('bad-type', 'outbox must be a whole number of votes');
  if (!(lastActivity === null || isTime(lastActivity))) return reject('bad-type', 'lastActivity must be epoch milliseconds or null');
  if (!isTime(at)) return reject('bad-type', 'at must be epoch milliseconds');
  const inputs = list(field(o, 'inputs'), decodeInput);
  if (inputs === null) return reject('bad-type', 'inputs must be a list of {type, buttons: [{id, press, longPress}]}');
  const sensors = list(field(o, 'sensors'), decodeSensor);
  if (sensors === null) return reject('bad-type', 'sensors must be a list of {type, topic}');
  return accept({ version, inputs, sensors, outbox: outbox as number, lastActivity: lastActivity as number | null, at: at as number });
}

function decodeInput(value: unknown): DeviceInfoInput | null {
  if (!isObject(value)) return null;
  const type = field(value, 'type');
  const buttons = list(field(value, 'buttons'), decodeButton);
  return isText(type) && buttons !== null ? { type, buttons } : null;
}

function decodeButton(value: unknown): DeviceInfoButton | null {
  if (!isObject(value)) return null;
  const id = field(value, 'id');
  const press = field(value, 'press');
  const longPress = field(value, 'longPress');
  return isText(id) && isAction(press) && isAction(longPress) ? { id, press, longPress } : null;
}

function decodeSensor(value: unknown): DeviceInfoSensor | null {
  if (!isObject(value)) return null;
  const type = field(value, 'type');
  const topic = field(value, 'topic');
  return isText(type) && (topic === null || (typeof topic === 'string' && topic.length <= 256)) ? { type, topic } : null;
}

function list<T>(value: unknown, item: (v: unknown) => T | null): T[] | null {
  if (!Array.isArray(value) || value.length > MAX_ITEMS) return null;
  const out: T[] = [];
  for (const v of value) {
    const decoded = item(v);
    if (decoded === null) return null;
    out.push(decoded);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isAction(value: unknown): value is InfoAction {
  return value === null || isText(value) || (Number.isSafeInteger(value) && (value as number) > 0);
}
