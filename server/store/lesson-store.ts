import type { Db } from './database.js';

export interface LessonRow {
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
  readonly current: number | null;
  /** A quiz scores correct answers per voter (docs/web.md, "Quiz mode"). */
  readonly quiz: boolean;
  /** The quiz's time bonus in points, 0 for none. */
  readonly timeBonus: number;
}

export interface LessonQuestionRow {
  readonly position: number;
  readonly pollId: string;
  readonly correct: string | null;
  readonly seconds: number | null;
}

/** Lessons and their questions' order; the questions' text and options are their polls'. */
export class LessonStore {
  constructor(private readonly db: Db) {}

  list(): LessonRow[] {
    const rows = this.db.prepare('SELECT id, title, created_at, current, quiz, time_bonus FROM lessons ORDER BY created_at, id').all() as {
      id: string;
      title: string;
      created_at: number;
      current: number | null;
      quiz: number;
      time_bonus: number;
    }[];
    return rows.map((r) => ({ id: r.id, title: r.title, createdAt: r.created_at, current: r.current, quiz: r.quiz === 1, timeBonus: r.time_bonus }));
  }

  get(id: string): LessonRow | undefined {
    return this.list().find((lesson) => lesson.id === id);
  }

  questions(lessonId: string): LessonQuestionRow[] {
    const rows = this.db
      .prepare('SELECT position, poll_id, correct, seconds FROM lesson_questions WHERE lesson_id = ? ORDER BY position')
      .all(lessonId) as { position: number; poll_id: string; correct: string | null; seconds: number | null }[];
    return rows.map((r) => ({ position: r.position, pollId: r.poll_id, correct: r.correct, seconds: r.seconds }));
  }

  /** Stores a lesson whose polls exist already. */
  insert(lesson: LessonRow, questions: readonly LessonQuestionRow[]): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO lessons (id, title, created_at, current, quiz, time_bonus) VALUES (?, ?, ?, NULL, ?, ?)')
        .run(lesson.id, lesson.title, lesson.createdAt, lesson.quiz ? 1 : 0, lesson.timeBonus);
      const insert = this.db.prepare('INSERT INTO lesson_questions (lesson_id, position, poll_id, correct, seconds) VALUES (?, ?, ?, ?, ?)');
      for (const q of questions) insert.run(lesson.id, q.position, q.pollId, q.correct, q.seconds);
    })();
  }

  /** A lesson edited in the teacher's page: its title and its questions' order, correct answers and countdowns. */
  update(lessonId: string, title: string, questions: readonly LessonQuestionRow[]): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE lessons SET title = ? WHERE id = ?').run(title, lessonId);
      this.db.prepare('DELETE FROM lesson_questions WHERE lesson_id = ?').run(lessonId);
      const insert = this.db.prepare('INSERT INTO lesson_questions (lesson_id, position, poll_id, correct, seconds) VALUES (?, ?, ?, ?, ?)');
      for (const q of questions) insert.run(lessonId, q.position, q.pollId, q.correct, q.seconds);
    })();
  }

  setCurrent(lessonId: string, current: number): void {
    this.db.prepare('UPDATE lessons SET current = ? WHERE id = ?').run(current, lessonId);
  }
}
