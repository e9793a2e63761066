import { type Decoded, accept, reject } from './rejection.js';

/** Default size limit of a payload we decode (SPEC §5). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024;

/** Payloads arrive as bytes from MQTT.js (Buffer in Node, Uint8Array in a browser). */
export type Payload = Uint8Array | string;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export function toBytes(payload: Payload): Uint8Array {
  return typeof payload === 'string' ? encoder.encode(payload) : payload;
}

export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Size check then strict UTF-8 decoding: the first two gates of every codec. */
export function decodeText(payload: Payload, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): Decoded<string> {
  const bytes = toBytes(payload);
  if (bytes.byteLength > maxBytes) {
    return reject('too-large', `payload is ${bytes.byteLength} bytes, the limit is ${maxBytes}`);
  }
  try {
    return accept(strictUtf8.decode(bytes));
  } catch {
    return reject('not-utf8', 'payload is not valid UTF-8 text');
  }
}

/** Parses JSON text; only a plain object is accepted at the top level. */
export function parseJsonObject(text: string): Decoded<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return reject('bad-json', `not valid JSON: ${excerpt(text)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return reject('bad-type', 'expected a JSON object');
  }
  return accept(parsed as Record<string, unknown>);
}

/** A short, printable excerpt of untrusted text for log lines. */
export function excerpt(text: string, max = 40): string {
  // eslint-disable-next-line no-control-regex
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return JSON.stringify(printable.length > max ? `${printable.slice(0, max)}…` : printable);
}

/** Own-property read that ignores anything inherited (prototype pollution keys). */
export function field(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}
