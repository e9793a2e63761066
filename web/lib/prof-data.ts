/**
 * What the teacher's page shows, read from the admin API with the session
 * cookie: the lessons and every poll's summary (the teacher's summaries carry the
 * counts even while the room's are hidden). Refreshed once a second while signed
 * in, and at once after each action, so two teachers' tabs agree.
 */
import type { LessonQuestion } from '../../shared/lesson.js';
import type { Poll } from '../../shared/poll.js';
import { api } from './prof-api.js';

export interface PollSummary {
  readonly poll: Poll;
  readonly round: number;
  readonly tally: { readonly counts: Readonly<Record<string, number>>; readonly total: number; readonly rejected: number };
}

export interface LessonQuestionView extends LessonQuestion {
  readonly position: number;
  readonly pollId: string;
  readonly state: Poll['state'];
  readonly total: number;
}

export interface LessonView {
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
  readonly current: number | null;
  readonly questions: readonly LessonQuestionView[];
}

export interface ProfSnapshot {
  readonly lessons: readonly LessonView[];
  readonly polls: ReadonlyMap<string, PollSummary>;
}

export class ProfData {
  snapshot: ProfSnapshot = { lessons: [], polls: new Map() };
  private readonly listeners: ((snapshot: ProfSnapshot) => void)[] = [];
  private pending: Promise<void> | null = null;

  onChange(listener: (snapshot: ProfSnapshot) => void): void {
    this.listeners.push(listener);
  }

  /** Reads both lists; a refresh asked while one runs waits for it and runs once more. */
  async refresh(): Promise<void> {
    if (this.pending !== null) await this.pending.catch(() => undefined);
    const run = this.load();
    this.pending = run;
    try {
      await run;
    } finally {
      if (this.pending === run) this.pending = null;
    }
  }

  private async load(): Promise<void> {
    const [lessons, polls] = await Promise.all([
      api<{ lessons: LessonView[] }>('GET', '/api/lessons'),
      api<{ polls: PollSummary[] }>('GET', '/api/polls'),
    ]);
    this.snapshot = { lessons: lessons.lessons, polls: new Map(polls.polls.map((s) => [s.poll.id, s])) };
    for (const listener of this.listeners) listener(this.snapshot);
  }
}
