/**
 * The per-student export of a quiz: one row per voter (its nickname or team; a
 * voter without a name is `anonymous-1`, `anonymous-2`… in the order of its first
 * vote, never its secret), one column per question with its answer and whether it
 * was right. The total is over every question, open ones included (the teacher's view).
 */
import { csvRow } from '../../shared/csv.js';
import type { LessonSummary } from './lesson-service.js';
import type { QuizRow } from './quiz-service.js';

export interface QuizExport {
  readonly lesson: string;
  readonly title: string;
  readonly questions: readonly { position: number; pollId: string; question: string; correct: string | null }[];
  readonly rows: readonly {
    name: string;
    kind: 'player' | 'team' | 'anonymous';
    score: number;
    rank: number | null;
    answers: readonly ({ option: string; correct: boolean | null; points: number } | null)[];
  }[];
}

export function quizExport(lesson: LessonSummary, rows: readonly QuizRow[]): QuizExport {
  let anonymous = 0;
  const named = rows.map((r) => {
    const name = r.name ?? `anonymous-${(anonymous += 1)}`;
    return { name, kind: r.kind ?? ('anonymous' as const), score: r.score, rank: r.rank, answers: r.answers };
  });
  // Ranked first, by rank; then the unnamed, in the order of their first vote.
  const sorted = [...named].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.rank === null ? 0 : a.name < b.name ? -1 : 1));
  return {
    lesson: lesson.id,
    title: lesson.title,
    questions: lesson.questions.map((q) => ({ position: q.position + 1, pollId: q.pollId, question: q.question, correct: q.correct })),
    rows: sorted,
  };
}

/** Cells: `B (right)`, `A (wrong)`, `B` when the question has no correct answer, empty when not answered. */
export function quizCsv(data: QuizExport): string {
  const header = ['name', 'kind', 'rank', 'score', ...data.questions.map((q) => `Q${q.position} ${q.question}`)];
  const lines = [csvRow(header)];
  for (const row of data.rows) {
    const cells = row.answers.map((a) => (a === null ? '' : a.correct === null ? a.option : `${a.option} (${a.correct ? 'right' : 'wrong'})`));
    lines.push(csvRow([row.name, row.kind, row.rank === null ? '' : String(row.rank), String(row.score), ...cells]));
  }
  return `${lines.join('\r\n')}\r\n`;
}
