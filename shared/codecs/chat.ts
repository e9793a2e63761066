/**
 * The class chat: plain UTF-8 text on `<prefix>/chat/<name>`, the same for the
 * page, the terminal, the hub's history and `mosquitto_pub -t classroom/chat/Zoé -m Bonjour`.
 * Anyone may publish there, so every reader checks what it gets here, once: a name
 * is bounded in characters and bytes and has no control or direction-changing
 * characters (a 60,000-character name once rendered 90 screens tall); a text is
 * bounded in bytes and lines, and its control characters are replaced.
 */
import { MAX_ID_LENGTH } from '../ids.js';
import type { Topics } from '../topics.js';
import { type Payload, decodeText, encodeText } from './payload.js';
import { type Decoded, accept, reject } from './rejection.js';

/** Longest message we send. */
export const MAX_CHAT_BYTES = 1024;
/** Longest message we read: other clients may send longer ones, which still show. */
export const MAX_CHAT_READ_BYTES = 4 * MAX_CHAT_BYTES;
/** Most lines a message read from others may have (a wall of new lines is a flood too). */
export const MAX_CHAT_LINES = 12;
/** Longest name, in characters (code points), as for every id in a topic level. */
export const MAX_CHAT_NAME_CHARS = MAX_ID_LENGTH;
/** Longest name in UTF-8 bytes (64 characters of up to 4 bytes). */
export const MAX_CHAT_NAME_BYTES = 4 * MAX_CHAT_NAME_CHARS;

export interface ChatMessage {
  /** The topic level as sent (checked by `chatNameProblem`): shown as text only. */
  readonly name: string;
  /** null when the payload is not readable text (not UTF-8, over the read limit, too many lines). */
  readonly text: string | null;
}

// C0 and C1 controls (terminal escapes, NUL), line/paragraph separators,
// bidirectional embeddings, overrides and isolates (text that reads backwards).
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
// The same in a text, but tab and new line are text.
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** A name as typed, as it goes in the topic (trimmed, NFC: a phone may send "Zoé" decomposed); check it with `idProblem`. */
export function chatName(typed: string): string {
  return typed.trim().normalize('NFC');
}

/**
 * Why a name read from a chat topic is not shown, or null. Looser than an id (other
 * clients may use spaces or punctuation), but bounded and free of control characters.
 */
export function chatNameProblem(name: string): string | null {
  if (name.trim() === '') return 'the name is empty';
  const chars = [...name].length;
  if (chars > MAX_CHAT_NAME_CHARS) return `a name is at most ${MAX_CHAT_NAME_CHARS} characters (this one has ${chars})`;
  const bytes = encodeText(name).byteLength;
  if (bytes > MAX_CHAT_NAME_BYTES) return `a name is at most ${MAX_CHAT_NAME_BYTES} bytes (this one has ${bytes})`;
  if (UNSAFE_IN_NAME.test(name)) return 'a name may not contain control or text-direction characters';
  return null;
}

/** The payload for `text`, or why it is not sent: `empty` (blank) or `too-large`. */
export function encodeChat(text: string): Decoded<string> {
  if (text.trim() === '') return reject('empty', 'nothing to send');
  const bytes = encodeText(text).byteLength;
  if (bytes > MAX_CHAT_BYTES) return reject('too-large', `a message is at most ${MAX_CHAT_BYTES} bytes (this one is ${bytes})`);
  return accept(text);
}

/**
 * A message from `<prefix>/chat/<name>`; null when the topic is not a chat topic,
 * rejected when its name is not one we show (`bad-id`) or it is blank (`empty`).
 */
export function decodeChat(topics: Pick<Topics, 'prefix'>, topic: string, payload: Payload): Decoded<ChatMessage> | null {
  const head = `${topics.prefix}/chat/`;
  if (!topic.startsWith(head)) return null;
  const name = topic.slice(head.length);
  const problem = chatNameProblem(name);
  if (problem !== null) return reject('bad-id', problem);
  const text = decodeText(payload, MAX_CHAT_READ_BYTES);
  if (!text.ok) return text.reason === 'empty' ? text : accept({ name, text: null });
  // An empty retained publish only clears what the broker kept: nothing was said.
  if (text.value.trim() === '') return reject('empty', 'an empty message');
  const clean = text.value.replace(/\r\n?/g, '\n').replace(UNSAFE_IN_TEXT, '\ufffd');
  const lines = clean.split('\n').length;
  return accept({ name, text: lines > MAX_CHAT_LINES ? null : clean });
}
