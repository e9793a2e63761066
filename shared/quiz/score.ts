/**
 * Quiz scoring (SPEC §5, docs/web.md "Quiz mode"): the one place that says how many
 * points a vote earns. Pure: the hub passes the stored votes in arrival order and its
 * own times; nothing here reads a clock or trusts a voter's `ts`.
 *
 * - One point per question with a correct answer, for each voter whose counted vote
 *   is that answer: the first vote for `one-per-voter`, the last for `last-wins`.
 *   For `every-press` (a box whose buttons all count) the voter's FIRST press is its
 *   answer: pressing every button must not score.
 * - No speed points by default, so a phone on weak Wi-Fi and a box on a cable are
 *   equal. An optional time bonus (`timeBonus` > 0) adds up to that many points to
 *   a correct answer, falling linearly from the opening to the end of the window;
 *   both ends are hub times (the opening and the vote's arrival at the hub).
 */
import type { Policy } from '../poll.js';

export interface QuizQuestion {
  readonly pollId: string;
  readonly policy: Policy;
  /** The correct option's id; null: the question scores nothing (an opinion poll). */
  readonly correct: string | null;
  /** Hub time of the question's opening, for the time bonus; null when never opened. */
  readonly openedAt: number | null;
  /** The question's countdown (the bonus window), null for none. */
  readonly seconds: number | null;
}

/** A counted vote as the hub stored it, with its arrival time at the hub. */
export interface QuizVote {
  readonly pollId: string;
  readonly voter: string;
  readonly option: string;
  readonly receivedAt: number;
}

export interface ScoreOptions {
  /** The most bonus points a correct answer can add; 0 (the default) for none. */
  readonly timeBonus?: number;
  /** The bonus window when the question has no countdown (default 30 s). */
  readonly defaultWindowMs?: number;
}

export interface Answer {
  readonly option: string;
  /** Right or wrong; null when the question has no correct answer. */
  readonly correct: boolean | null;
  readonly points: number;
}

export interface VoterScore {
  readonly voter: string;
  readonly score: number;
  /** One per question, in the questions' order; null where the voter did not answer. */
  readonly answers: readonly (Answer | null)[];
}

export const MAX_TIME_BONUS = 10;
export const DEFAULT_BONUS_WINDOW_MS = 30_000;

/** The vote that counts for each voter in one question, by its policy (votes in arrival order). */
export function countedAnswers(policy: Policy, votes: readonly QuizVote[]): Map<string, QuizVote> {
  const counted = new Map<string, QuizVote>();
  for (const vote of votes) {
    if (policy === 'last-wins' || !counted.has(vote.voter)) counted.set(vote.voter, vote);
  }
  return counted;
}

/** Bonus points for a correct answer that reached the hub `elapsedMs` after the opening. */
export function timeBonus(elapsedMs: number, windowMs: number, maxPoints: number): number {
  if (maxPoints <= 0 || windowMs <= 0 || !(elapsedMs < windowMs)) return 0;
  return Math.round(maxPoints * (1 - Math.max(0, elapsedMs) / windowMs));
}

/** Every voter's score and answers, voters in the order of their first vote. */
export function scoreQuiz(questions: readonly QuizQuestion[], votes: readonly QuizVote[], options: ScoreOptions = {}): VoterScore[] {
  const bonus = Math.min(MAX_TIME_BONUS, Math.max(0, Math.floor(options.timeBonus ?? 0)));
  const byPoll = new Map<string, QuizVote[]>();
  const voters: string[] = [];
  const seen = new Set<string>();
  for (const vote of votes) {
    let list = byPoll.get(vote.pollId);
    if (list === undefined) byPoll.set(vote.pollId, (list = []));
    list.push(vote);
    if (!seen.has(vote.voter) && questions.some((q) => q.pollId === vote.pollId)) {
      seen.add(vote.voter);
      voters.push(vote.voter);
    }
  }
  const perQuestion = questions.map((q) => countedAnswers(q.policy, byPoll.get(q.pollId) ?? []));
  return voters.map((voter) => {
    let score = 0;
    const answers = questions.map((q, index): Answer | null => {
      const vote = perQuestion[index]?.get(voter);
      if (vote === undefined) return null;
      const correct = q.correct === null ? null : vote.option === q.correct;
      let points = correct === true ? 1 : 0;
      if (correct === true && q.openedAt !== null) {
        const windowMs = q.seconds === null ? (options.defaultWindowMs ?? DEFAULT_BONUS_WINDOW_MS) : q.seconds * 1000;
        points += timeBonus(vote.receivedAt - q.openedAt, windowMs, bonus);
      }
      score += points;
      return { option: vote.option, correct, points };
    });
    return { voter, score, answers };
  });
}

export interface Ranked<T> {
  readonly entry: T;
  /** Competition ranking: equal scores share a rank, the next rank skips (1, 2, 2, 4). */
  readonly rank: number;
}

/** Ranks by score (highest first); ties share a rank and are listed by name. */
export function rankScores<T extends { readonly name: string; readonly score: number }>(entries: readonly T[]): Ranked<T>[] {
  const sorted = [...entries].sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const ranked: Ranked<T>[] = [];
  for (const [index, entry] of sorted.entries()) {
    const previous = ranked[index - 1];
    ranked.push({ entry, rank: previous !== undefined && previous.entry.score === entry.score ? previous.rank : index + 1 });
  }
  return ranked;
}
