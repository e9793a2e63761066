import { idProblem } from '../ids.js';
import { cleanName, nameProblem } from '../quiz/names.js';
import { MAX_OPTIONS, type Poll, optionAt } from '../poll.js';
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
  /**
   * The voter's clock when it sent this copy: a device stamps every send, so the hub
   * can tell how long the device kept the press (`sentAt - ts`) without trusting
   * the device's absolute time (shared/press-time.ts). Absent when not given.
   */
  readonly sentAt?: number;
  /**
   * A box of buttons' team in a quiz (its config's `team`): its presses score for
   * that name, which belongs to the first voter secret that carried it in the
   * lesson (shared/quiz/names.ts). Absent for phones.
   */
  readonly team?: string;
}

/**
 * A device's press whose option is a position (1..N) in the poll's option list:
 * the device did not know the poll's options (fresh start, broker unreachable),
 * so the hub resolves the position (SPEC §5, "a press is never lost for want of
 * knowledge"). Same wire form as a vote with `position` in place of `option`.
 */
export interface Press extends Omit<JsonVote, 'option'> {
  readonly position: number;
}

export function isPress(vote: Vote | Press): vote is Press {
  return 'position' in vote;
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
export function decodeVote(payload: Payload, options: VoteDecodeOptions): Decoded<Vote | Press> {
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

function decodeJsonVote(text: string, receivedAt: number): Decoded<Vote | Press> {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const object = parsed.value;
  const id = field(object, 'id');
  const option = field(object, 'option');
  const position = field(object, 'position');
  const voter = field(object, 'voter');
  const source = field(object, 'source');
  const ts = field(object, 'ts');
  const reply = field(object, 'reply');
  const sentAt = field(object, 'sentAt');
  const team = field(object, 'team');
  const byPosition = (option === undefined || option === null) && position !== undefined && position !== null;
  const missing = [
    ['id', id],
    ['option', byPosition ? position : option],
    ['voter', voter],
  ].filter(([, value]) => value === undefined || value === null);
  if (missing.length > 0) {
    return reject('missing-field', `missing ${missing.map(([name]) => name).join(', ')}`);
  }
  if (!byPosition && position !== undefined && position !== null) return reject('bad-type', 'give option or position, not both');
  for (const [name, value] of [
    ['id', id],
    ...(byPosition ? [] : [['option', option] as const]),
    ['voter', voter],
  ] as const) {
    if (typeof value !== 'string') return reject('bad-type', `${name} must be a string`);
    const problem = idProblem(value);
    if (problem !== null) return reject('bad-id', `${name} ${excerpt(value)}: ${problem}`);
  }
  if (byPosition && (typeof position !== 'number' || !Number.isInteger(position) || position < 1 || position > MAX_OPTIONS)) {
    return reject('bad-type', `position must be a whole number from 1 to ${MAX_OPTIONS}`);
  }
  if (source !== undefined && (typeof source !== 'string' || source.length > MAX_SOURCE_LENGTH)) {
    return reject('bad-type', `source must be a string of at most ${MAX_SOURCE_LENGTH} characters`);
  }
  if (ts !== undefined && !isTime(ts)) return reject('bad-type', 'ts must be a non-negative number of milliseconds');
  if (sentAt !== undefined && !isTime(sentAt)) return reject('bad-type', 'sentAt must be a non-negative number of milliseconds');
  if (reply !== undefined && reply !== null) {
    const problem = typeof reply === 'string' ? idProblem(reply) : 'it must be a string';
    if (problem !== null) return reject('bad-id', `reply ${excerpt(String(reply))}: ${problem}`);
  }
  if (team !== undefined && team !== null && nameProblem(team) !== null) return reject('bad-type', `team: ${nameProblem(team) as string}`);
  const common = {
    id: id as string,
    voter: voter as string,
    source: (source as string | undefined) ?? 'unknown',
    ts: (ts as number | undefined) ?? receivedAt,
    ...(typeof reply === 'string' ? { reply } : {}),
    // Only meaningful next to the ts it measures from.
    ...(ts !== undefined && sentAt !== undefined ? { sentAt: sentAt as number } : {}),
    ...(typeof team === 'string' ? { team: cleanName(team) } : {}),
  };
  return accept(byPosition ? { ...common, position: position as number } : { ...common, option: option as string });
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

export function encodeVote(vote: JsonVote): string {
  return JSON.stringify({
    id: vote.id,
    option: vote.option,
    voter: vote.voter,
    source: vote.source,
    ts: vote.ts,
    ...(vote.reply === undefined ? {} : { reply: vote.reply }),
    ...(vote.team === undefined ? {} : { team: vote.team }),
  });
}

export function encodePress(press: Press): string {
  return JSON.stringify({
    id: press.id,
    position: press.position,
    voter: press.voter,
    source: press.source,
    ts: press.ts,
    ...(press.reply === undefined ? {} : { reply: press.reply }),
    ...(press.team === undefined ? {} : { team: press.team }),
  });
}

/** The stored payload of a device's vote or press, stamped with the device's clock at this send. */
export function stampSentAt(payload: string, sentAt: number): string {
  try {
    const object: unknown = JSON.parse(payload);
    if (object === null || typeof object !== 'object' || Array.isArray(object)) return payload;
    return JSON.stringify({ ...object, sentAt });
  } catch {
    return payload;
  }
}

/** A press by position becomes a vote for the option at that position of `poll`; a vote is returned as is. */
export function resolvePosition(vote: Vote | Press, poll: Poll): Decoded<Vote> {
  if (!isPress(vote)) return accept(vote);
  const option = optionAt(poll, vote.position);
  if (option === null) return reject('unknown-option', `poll ${poll.id} has ${poll.options.length} options, none at position ${vote.position}`);
  const { position: _position, ...rest } = vote;
  return accept({ ...rest, option });
}
