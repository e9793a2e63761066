import { idProblem } from '../ids.js';
import { type Payload, DEFAULT_MAX_PAYLOAD_BYTES, decodeText, excerpt, field, parseJsonObject } from './payload.js';
import { type Decoded, accept, reject } from './rejection.js';

export const MAX_SOURCE_LENGTH = 32;

/**
 * A vote as the server sees it. `id` and `voter` are null only for the plain-text
 * legacy form (`mosquitto_pub -m IFT1215`), which cannot be deduplicated or
 * acknowledged: the best-effort path of SPEC §5.
 */
export interface Vote {
  readonly id: string | null;
  readonly option: string;
  readonly voter: string | null;
  /** What sent it: `button`, `web`, `keyboard`, `simulation`, `plain`, ... */
  readonly source: string;
  /**
   * Epoch milliseconds, from the voter's clock (or the receive time when absent).
   * Information only: the hub's arrival order decides `last-wins` (SPEC §5).
   */
  readonly ts: number;
  /**
   * Where the receipt goes: the level of `<prefix>/receipts/<reply>`, the sender's
   * MQTT client id, the only client the brokers let read that topic (docs/protocol.md,
   * "Voter privacy"). Absent in votes from older clients: the receipt then goes to
   * `receipts/<voter>`.
   */
  readonly reply?: string;
}

/** A vote in its JSON wire form: every field present. */
export interface JsonVote extends Vote {
  readonly id: string;
  readonly voter: string;
}

export interface VoteDecodeOptions {
  maxBytes?: number;
  /** Used as `ts` when the payload carries none (plain text, or JSON without ts). */
  receivedAt: number;
}

/**
 * Decodes a vote payload: a JSON object (SPEC §4), or a bare option id as a phone
 * app or `mosquitto_pub -m` sends it (a JSON string `"IFT1215"` is accepted too).
 * Whether the option exists is the tally's business: the codec does not know the poll.
 */
export function decodeVote(payload: Payload, options: VoteDecodeOptions): Decoded<Vote> {
  const text = decodeText(payload, options.maxBytes ?? DEFAULT_MAX_PAYLOAD_BYTES);
  if (!text.ok) return text;
  const trimmed = text.value.trim();
  if (trimmed.length === 0) return reject('empty', 'empty payload');
  if (trimmed.startsWith('{')) return decodeJsonVote(trimmed, options.receivedAt);
  let optionText = trimmed;
  if (trimmed.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed !== 'string') return reject('bad-type', 'expected a JSON object or an option id');
      optionText = parsed.trim();
    } catch {
      return reject('bad-json', `not valid JSON: ${excerpt(trimmed)}`);
    }
  } else if (trimmed.startsWith('[')) {
    return reject('bad-type', 'expected a JSON object or an option id, got an array');
  }
  const problem = idProblem(optionText);
  if (problem !== null) return reject('bad-id', `option ${excerpt(optionText)}: ${problem}`);
  return accept({ id: null, option: optionText, voter: null, source: 'plain', ts: options.receivedAt });
}

function decodeJsonVote(text: string, receivedAt: number): Decoded<Vote> {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const object = parsed.value;
  const id = field(object, 'id');
  const option = field(object, 'option');
  const voter = field(object, 'voter');
  const source = field(object, 'source');
  const ts = field(object, 'ts');
  const reply = field(object, 'reply');
  const missing = [
    ['id', id],
    ['option', option],
    ['voter', voter],
  ].filter(([, value]) => value === undefined || value === null);
  if (missing.length > 0) {
    return reject('missing-field', `missing ${missing.map(([name]) => name).join(', ')}`);
  }
  for (const [name, value] of [
    ['id', id],
    ['option', option],
    ['voter', voter],
  ] as const) {
    if (typeof value !== 'string') return reject('bad-type', `${name} must be a string`);
    const problem = idProblem(value);
    if (problem !== null) return reject('bad-id', `${name} ${excerpt(value)}: ${problem}`);
  }
  if (source !== undefined && (typeof source !== 'string' || source.length > MAX_SOURCE_LENGTH)) {
    return reject('bad-type', `source must be a string of at most ${MAX_SOURCE_LENGTH} characters`);
  }
  if (ts !== undefined && (typeof ts !== 'number' || !Number.isFinite(ts) || ts < 0)) {
    return reject('bad-type', 'ts must be a non-negative number of milliseconds');
  }
  if (reply !== undefined && reply !== null) {
    const problem = typeof reply === 'string' ? idProblem(reply) : 'it must be a string';
    if (problem !== null) return reject('bad-id', `reply ${excerpt(String(reply))}: ${problem}`);
  }
  return accept({
    id: id as string,
    option: option as string,
    voter: voter as string,
    source: (source as string | undefined) ?? 'unknown',
    ts: (ts as number | undefined) ?? receivedAt,
    ...(typeof reply === 'string' ? { reply } : {}),
  });
}

export function encodeVote(vote: JsonVote): string {
  return JSON.stringify({
    id: vote.id,
    option: vote.option,
    voter: vote.voter,
    source: vote.source,
    ts: vote.ts,
    ...(vote.reply === undefined ? {} : { reply: vote.reply }),
  });
}
