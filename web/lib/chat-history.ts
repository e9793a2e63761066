/**
 * The hub's chat history from the page's side: `GET /api/chat/history`, read once
 * when the chat page loads (then the page follows live MQTT; it never polls).
 * Checked here like any message from the network: the same codec rules.
 */
import { chatNameProblem } from '../../shared/codecs/chat.js';

export interface HistoryMessage {
  readonly name: string;
  readonly text: string | null;
  readonly at: number;
}

export interface ChatHistory {
  readonly now: number;
  readonly messages: readonly HistoryMessage[];
  readonly muted: readonly string[];
}

/** The history, or null when the hub has none to give (an older hub, a network error): the page then shows live messages only. */
export async function fetchChatHistory(): Promise<ChatHistory | null> {
  try {
    const response = await fetch('/api/chat/history', { cache: 'no-store' });
    if (!response.ok) return null;
    return parseHistory(await response.json());
  } catch {
    return null;
  }
}

function parseHistory(value: unknown): ChatHistory | null {
  if (typeof value !== 'object' || value === null) return null;
  const { now, messages, muted } = value as Record<string, unknown>;
  if (typeof now !== 'number' || !Array.isArray(messages) || !Array.isArray(muted)) return null;
  const isName = (n: unknown): n is string => typeof n === 'string' && chatNameProblem(n) === null;
  return {
    now,
    messages: messages.filter(
      (m): m is HistoryMessage =>
        typeof m === 'object' && m !== null && isName((m as HistoryMessage).name) && typeof (m as HistoryMessage).at === 'number' &&
        (typeof (m as HistoryMessage).text === 'string' || (m as HistoryMessage).text === null),
    ),
    muted: muted.filter(isName),
  };
}

/**
 * How many of `live` (messages that arrived while the history was on its way) the
 * history already ends with: the longest end of `history` equal to a start of `live`.
 */
export function overlap(history: readonly { name: string; text: string | null }[], live: readonly { name: string; text: string | null }[]): number {
  const same = (a: { name: string; text: string | null }, b: { name: string; text: string | null }) => a.name === b.name && a.text === b.text;
  for (let n = Math.min(history.length, live.length); n > 0; n -= 1) {
    let all = true;
    for (let i = 0; i < n && all; i += 1) all = same(history[history.length - n + i] as HistoryMessage, live[i] as HistoryMessage);
    if (all) return n;
  }
  return 0;
}
