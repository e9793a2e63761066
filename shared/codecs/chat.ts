/**
 * The class chat: plain UTF-8 text on `<prefix>/chat/<name>`, the same for the
 * page, the terminal and `mosquitto_pub -t classroom/chat/Zoé -m Bonjour`.
 */
import type { Topics } from '../topics.js';
import { type Payload, decodeText, encodeText } from './payload.js';
import { type Decoded, accept, reject } from './rejection.js';

/** Longest message we send. */
export const MAX_CHAT_BYTES = 1024;
/** Longest message we read: other clients may send longer ones, which still show. */
export const MAX_CHAT_READ_BYTES = 4 * MAX_CHAT_BYTES;

export interface ChatMessage {
  /** The topic level as sent, whatever it contains: shown as text only. */
  readonly name: string;
  /** null when the payload is not readable text. */
  readonly text: string | null;
}

/** A name as typed, as it goes in the topic (trimmed, NFC: a phone may send "Zoé" decomposed); check it with `idProblem`. */
export function chatName(typed: string): string {
  return typed.trim().normalize('NFC');
}

/** The payload for `text`, or why it is not sent: `empty` (blank) or `too-large`. */
export function encodeChat(text: string): Decoded<string> {
  if (text.trim() === '') return reject('empty', 'nothing to send');
  const bytes = encodeText(text).byteLength;
  if (bytes > MAX_CHAT_BYTES) return reject('too-large', `a message is at most ${MAX_CHAT_BYTES} bytes (this one is ${bytes})`);
  return accept(text);
}

/** A message from `<prefix>/chat/<name>`; null when the topic is not a chat topic. */
export function decodeChat(topics: Pick<Topics, 'prefix'>, topic: string, payload: Payload): ChatMessage | null {
  const head = `${topics.prefix}/chat/`;
  if (!topic.startsWith(head)) return null;
  const text = decodeText(payload, MAX_CHAT_READ_BYTES);
  return { name: topic.slice(head.length), text: text.ok ? text.value : null };
}
