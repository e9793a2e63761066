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
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  onChange(listener: (snapshot: ProfSnapshot) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Reads both lists. Asked while a read runs, it reads once more after it (so an
   * action's result is seen), and any number of such asks share that one read:
   * a slow hub never piles up requests.
   */
  refresh(): Promise<void> {
    if (this.queued !== null) return this.queued;
    if (this.running === null) return this.start();
    this.queued = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.start();
      });
    return this.queued;
  }

  private start(): Promise<void> {
    const run = this.load().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
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
