/**
 * What the teacher's page shows, read from the admin API with the session
 * cookie: the lessons and every poll's summary (the teacher's summaries carry the
 * counts even while the room's are hidden). Nothing reads it on a timer: the page
 * refreshes it when a retained poll message says a poll changed, after each of its
 * own actions, and on each (re)connect (web/lib/prof-live.ts); the tally messages
 * in between replace a poll's tally here directly, so the bars move without a read.
 */
import { decodeTally } from '../../shared/codecs/tally.js';
import type { LessonQuestion } from '../../shared/lesson.js';
import type { Poll } from '../../shared/poll.js';
import { api } from './prof-api.js';

export interface PollTally {
  readonly counts: Readonly<Record<string, number>>;
  readonly total: number;
  readonly rejected: number;
  /** Orders the snapshots of one run of the hub (the admin API and the tally topic give the same). */
  readonly seq?: number;
  readonly at?: number;
  /** From the tally topic while the results are hidden: `counts` is empty, `total` says how many voted. */
  readonly hidden?: true;
}

export interface PollSummary {
  readonly poll: Poll;
  readonly round: number;
  readonly tally: PollTally;
  /** The correct option's id (the hub's answer key, given to the teacher only), null for an opinion poll. */
  readonly answer?: string | null;
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

/** What a tally message did: replaced a poll's tally, concerned a poll this page has not read yet, or nothing. */
export type TallyOutcome = 'shown' | 'unknown' | 'ignored';

/** Whether `next` (from the tally topic) is a later snapshot than `current`; as web/lib/polls.ts's isNewerTally. */
function isLater(current: PollTally, next: PollTally): boolean {
  if (current.seq === undefined || next.seq === undefined || current.at === undefined || next.at === undefined) return true;
  return next.seq > current.seq || next.at > current.at;
}

export class ProfData {
  snapshot: ProfSnapshot = { lessons: [], polls: new Map() };
  private readonly listeners: ((snapshot: ProfSnapshot) => void)[] = [];
  /** The latest tally message per poll, kept so a read that was on its way does not put older counts back. */
  private readonly live = new Map<string, PollTally>();
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

  /** A message on `<prefix>/tally/<pollId>`: a later snapshot replaces the poll's tally at once. */
  takeTally(pollId: string, payload: Uint8Array): TallyOutcome {
    if (payload.byteLength === 0) return 'ignored';
    const decoded = decodeTally(payload);
    if (!decoded.ok || decoded.value.poll !== pollId) return 'ignored';
    const tally = decoded.value;
    const previous = this.live.get(pollId);
    if (previous !== undefined && !isLater(previous, tally)) return 'ignored';
    this.live.set(pollId, tally);
    const summary = this.snapshot.polls.get(pollId);
    if (summary === undefined) return 'unknown';
    if (!isLater(summary.tally, tally)) return 'ignored';
    const polls = new Map(this.snapshot.polls);
    polls.set(pollId, { ...summary, tally });
    this.publish({ ...this.snapshot, polls });
    return 'shown';
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
    const summaries = polls.polls.map((s): [string, PollSummary] => {
      const live = this.live.get(s.poll.id);
      return [s.poll.id, live !== undefined && isLater(s.tally, live) ? { ...s, tally: live } : s];
    });
    this.publish({ lessons: lessons.lessons, polls: new Map(summaries) });
  }

  private publish(snapshot: ProfSnapshot): void {
    this.snapshot = snapshot;
    for (const listener of this.listeners) listener(snapshot);
  }
}
