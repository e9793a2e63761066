/**
 * The quiz leaderboard the kiosk shows (`<prefix>/leaderboard`, retained, published
 * by the hub only): the top names and scores, never an answer or a voter secret.
 * `shown: false` takes it off the kiosk.
 */
import type { PlayerKind } from '../quiz/names.js';
import { type Payload, decodeText, parseJsonObject } from './payload.js';

export const LEADERBOARD_SIZE = 10;

export interface LeaderboardEntry {
  readonly rank: number;
  readonly name: string;
  readonly kind: PlayerKind;
  readonly score: number;
}

export interface Leaderboard {
  readonly lesson: string;
  readonly title: string;
  readonly shown: boolean;
  /** True once the quiz's last question is closed. */
  readonly final: boolean;
  /** How many questions are scored so far (closed), of `questions`. */
  readonly scored: number;
  readonly questions: number;
  readonly entries: readonly LeaderboardEntry[];
  /** Hub time. */
  readonly at: number;
}

export function encodeLeaderboard(board: Leaderboard): string {
  return JSON.stringify(board);
}

export function decodeLeaderboard(payload: Payload): Leaderboard | null {
  const text = decodeText(payload, 64 * 1024);
  if (!text.ok) return null;
  const parsed = parseJsonObject(text.value);
  if (!parsed.ok) return null;
  const o = parsed.value as Record<string, unknown>;
  const { lesson, title, shown, final, scored, questions, entries, at } = o;
  if (typeof lesson !== 'string' || typeof title !== 'string' || typeof shown !== 'boolean' || typeof final !== 'boolean') return null;
  if (typeof scored !== 'number' || typeof questions !== 'number' || typeof at !== 'number' || !Array.isArray(entries)) return null;
  const checked: LeaderboardEntry[] = [];
  for (const entry of entries.slice(0, LEADERBOARD_SIZE)) {
    if (entry === null || typeof entry !== 'object') return null;
    const { rank, name, kind, score } = entry as Record<string, unknown>;
    if (typeof rank !== 'number' || typeof name !== 'string' || typeof score !== 'number' || (kind !== 'player' && kind !== 'team')) return null;
    checked.push({ rank, name, kind, score });
  }
  return { lesson, title, shown, final, scored, questions, entries: checked, at };
}
