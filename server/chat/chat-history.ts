import type { Clock } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import { type ChatMessage, chatNameProblem, decodeChat } from '../../shared/codecs/chat.js';
import type { Topics } from '../../shared/topics.js';
import { InvalidChatNameError } from '../errors/chat-errors.js';

/** One message as the hub received it: `at` is the hub's clock, not the sender's. */
export interface ChatEntry extends ChatMessage {
  readonly at: number;
}

/** What `GET /api/chat/history` answers. */
export interface ChatHistoryView {
  /** The hub's time when answering: a page with a wrong clock corrects its own stamps by it. */
  readonly now: number;
  /** Oldest first. */
  readonly messages: readonly ChatEntry[];
  /** Names whose messages the teacher muted: the pages hide them. */
  readonly muted: readonly string[];
}

export interface ChatHistoryContext {
  readonly topics: Pick<Topics, 'prefix'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Most messages kept (default 200). */
  readonly maxMessages?: number;
  /** Most bytes of names and texts kept (UTF-8, default 256 KiB). */
  readonly maxBytes?: number;
}

export const DEFAULT_CHAT_HISTORY_MESSAGES = 200;
export const DEFAULT_CHAT_HISTORY_BYTES = 256 * 1024;

/**
 * The class chat's recent past, kept by the hub so a new visitor sees what was
 * said, with the time the hub heard it (a retained chat message, by contrast, greets
 * every visitor again stamped with the visitor's own time: retained copies are not
 * recorded). Bounded in count and in bytes, oldest dropped first. In memory only: a
 * chat is the classroom's board, wiped by a restart of the hub.
 *
 * Mute: the hub drops the name's messages from the history and records none of its
 * new ones. The embedded broker also refuses its new chat publishes (and the later
 * chat of a connection caught using it, under any name), so open pages stop
 * receiving them; on an external Mosquitto the hub cannot change the ACL at run
 * time, so live messages still reach open pages, which hide the muted names from
 * their next load (docs/deploy.md).
 */
export class ChatHistory {
  private readonly entries: { entry: ChatEntry; bytes: number }[] = [];
  private bytes = 0;
  private readonly muted = new Set<string>();
  private readonly maxMessages: number;
  private readonly maxBytes: number;

  constructor(private readonly ctx: ChatHistoryContext) {
    this.maxMessages = ctx.maxMessages ?? DEFAULT_CHAT_HISTORY_MESSAGES;
    this.maxBytes = ctx.maxBytes ?? DEFAULT_CHAT_HISTORY_BYTES;
  }

  /** A message from the server's MQTT session; anything but a live chat message is ignored. */
  handle(topic: string, payload: Uint8Array, retained: boolean): void {
    // A retained copy is an old message replayed on subscribe, with no time of its own.
    if (retained) return;
    const decoded = decodeChat(this.ctx.topics, topic, payload);
    if (decoded === null || !decoded.ok) return;
    const message = decoded.value;
    if (this.muted.has(message.name)) return;
    const entry: ChatEntry = { name: message.name, text: message.text, at: this.ctx.clock.now() };
    const bytes = Buffer.byteLength(entry.name) + Buffer.byteLength(entry.text ?? '');
    this.entries.push({ entry, bytes });
    this.bytes += bytes;
    while (this.entries.length > this.maxMessages || (this.bytes > this.maxBytes && this.entries.length > 1)) {
      this.bytes -= (this.entries.shift() as { bytes: number }).bytes;
    }
  }

  view(): ChatHistoryView {
    return { now: this.ctx.clock.now(), messages: this.entries.map((e) => e.entry), muted: [...this.muted] };
  }

  /** Forgets every message; returns how many. */
  clear(): number {
    const n = this.entries.length;
    this.entries.length = 0;
    this.bytes = 0;
    this.ctx.logger.info('chat history cleared', { messages: n });
    return n;
  }

  /** Mutes `name`: its messages leave the history; returns how many were removed. */
  mute(name: string): number {
    const problem = chatNameProblem(name);
    if (problem !== null) throw new InvalidChatNameError(name, problem);
    this.muted.add(name);
    const before = this.entries.length;
    const kept = this.entries.filter((e) => e.entry.name !== name);
    this.entries.splice(0, this.entries.length, ...kept);
    this.bytes = kept.reduce((n, e) => n + e.bytes, 0);
    const removed = before - kept.length;
    this.ctx.logger.info('chat name muted', { name, removed });
    return removed;
  }

  /** Whether the teacher muted `name` (the embedded broker refuses its chat publishes). */
  isMuted(name: string): boolean {
    return this.muted.has(name);
  }

  /** Lets `name` into the history again (what it sent while muted stays gone). */
  unmute(name: string): boolean {
    const was = this.muted.delete(name);
    if (was) this.ctx.logger.info('chat name unmuted', { name });
    return was;
  }
}
