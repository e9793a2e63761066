import { type Payload, decodeText } from './payload.js';
import { type Decoded, accept, reject } from './rejection.js';

/**
 * Retained presence on `<prefix>/devices/<id>/status`; `offline` is also the last
 * will. `not-storing` is the hub's alone: it is connected but cannot store votes (a
 * full disk, a damaged database), so votes get no receipt until it says `online`.
 */
export type DeviceStatus = 'online' | 'offline' | 'not-storing';

export function encodeStatus(status: DeviceStatus): string {
  return status;
}

export function decodeStatus(payload: Payload): Decoded<DeviceStatus> {
  const text = decodeText(payload, 64);
  if (!text.ok) return text;
  const value = text.value.trim();
  if (value === 'online' || value === 'offline' || value === 'not-storing') return accept(value);
  return reject('bad-type', 'status must be online, offline or not-storing');
}
