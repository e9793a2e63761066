import type { QuizVote } from '../../shared/quiz/score.js';
import type { Db } from './database.js';

/** A counted vote of a quiz, with the team it carried. */
export interface QuizVoteRow extends QuizVote {
  readonly team: string | null;
}

/**
 * What quiz mode keeps besides the lessons: the phones' nicknames, bound to their
 * voter secrets, and reads of the counted votes of a lesson's current rounds.
 */
export class QuizStore {
  constructor(private readonly db: Db) {}

  /** The lesson a poll is a question of, or null. */
  lessonOfPoll(pollId: string): string | null {
    const row = this.db.prepare('SELECT lesson_id FROM lesson_questions WHERE poll_id = ?').get(pollId) as { lesson_id: string } | undefined;
    return row?.lesson_id ?? null;
  }

  /** voter secret -> nickname, in the order they were claimed. */
  nicknames(lessonId: string): Map<string, string> {
    const rows = this.db.prepare('SELECT voter, nickname FROM quiz_players WHERE lesson_id = ? ORDER BY claimed_at, rowid').all(lessonId) as { voter: string; nickname: string }[];
    return new Map(rows.map((r) => [r.voter, r.nickname]));
  }

  /** How many nicknames the lesson has. */
  count(lessonId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM quiz_players WHERE lesson_id = ?').get(lessonId) as { n: number }).n;
  }

  /** Who holds this name key in the lesson, if anyone. */
  holder(lessonId: string, key: string): string | null {
    const row = this.db.prepare('SELECT voter FROM quiz_players WHERE lesson_id = ? AND name_key = ?').get(lessonId, key) as { voter: string } | undefined;
    return row?.voter ?? null;
  }

  /** Sets (or changes) a voter's nickname; the unique index refuses a name held by another voter. */
  setNickname(lessonId: string, voter: string, nickname: string, key: string, at: number): void {
    this.db
      .prepare(
        `INSERT INTO quiz_players (lesson_id, voter, nickname, name_key, claimed_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (lesson_id, voter) DO UPDATE SET nickname = excluded.nickname, name_key = excluded.name_key`,
      )
      .run(lessonId, voter, nickname, key, at);
  }

  /** The counted votes with a voter of the lesson's questions, current rounds only, in arrival order. */
  votes(lessonId: string): QuizVoteRow[] {
    return this.db
      .prepare(
        `SELECT v.poll_id AS pollId, v.voter AS voter, v.option AS option, v.received_at AS receivedAt, v.team AS team
         FROM votes v
         JOIN lesson_questions q ON q.poll_id = v.poll_id
         JOIN polls p ON p.id = v.poll_id AND p.round = v.round
         WHERE q.lesson_id = ? AND v.voter IS NOT NULL
         ORDER BY v.n`,
      )
      .all(lessonId) as QuizVoteRow[];
  }

  /** The lesson the kiosk's leaderboard was last shown or hidden for, null if never. */
  leaderboard(): { readonly lessonId: string; readonly shown: boolean } | null {
    const row = this.db.prepare('SELECT lesson_id, shown FROM quiz_leaderboard WHERE id = 1').get() as { lesson_id: string; shown: number } | undefined;
    return row === undefined ? null : { lessonId: row.lesson_id, shown: row.shown === 1 };
  }

  setLeaderboard(lessonId: string, shown: boolean): void {
    this.db
      .prepare('INSERT INTO quiz_leaderboard (id, lesson_id, shown) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET lesson_id = excluded.lesson_id, shown = excluded.shown')
      .run(lessonId, shown ? 1 : 0);
  }

  /** Each question's first opening in its current round (hub time), for the time bonus. */
  firstOpenings(lessonId: string): Map<string, number> {
    const rows = this.db
      .prepare(
        `SELECT o.poll_id AS pollId, MIN(o.opened_at) AS openedAt
         FROM openings o
         JOIN lesson_questions q ON q.poll_id = o.poll_id
         JOIN polls p ON p.id = o.poll_id
         JOIN rounds r ON r.poll_id = p.id AND r.round = p.round
         WHERE q.lesson_id = ? AND o.opened_at >= r.started_at
         GROUP BY o.poll_id`,
      )
      .all(lessonId) as { pollId: string; openedAt: number }[];
    return new Map(rows.map((r) => [r.pollId, r.openedAt]));
  }
}
