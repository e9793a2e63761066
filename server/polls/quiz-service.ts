import type { Clock } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import { LEADERBOARD_SIZE, type Leaderboard, encodeLeaderboard } from '../../shared/codecs/leaderboard.js';
import { type PlayerKind, type PlayerName, cleanName, nameKey, nameProblem, resolveNames } from '../../shared/quiz/names.js';
import type { PlayerView } from '../../shared/quiz/player-view.js';
import { type Answer, type QuizQuestion, rankScores, scoreQuiz } from '../../shared/quiz/score.js';
import type { Topics } from '../../shared/topics.js';
import { InvalidNicknameError, NicknameTakenError, NotAQuizError, QuizFullError } from '../errors/quiz-errors.js';
import type { MqttLink } from '../mqtt/mqtt-link.js';
import type { QuizStore } from '../store/quiz-store.js';
import type { VoteLog } from '../store/vote-log.js';
import type { LessonService, LessonSummary } from './lesson-service.js';

export type { PlayerView } from '../../shared/quiz/player-view.js';

export interface QuizServiceContext {
  store: QuizStore;
  lessons: LessonService;
  log: VoteLog;
  link: MqttLink;
  topics: Topics;
  clock: Clock;
  logger: Logger;
}

/** Nicknames per quiz: a classroom is tens; a script inventing secrets stops here. */
export const MAX_PLAYERS = 300;

/** One voter's line: its name (null: no nickname yet), score, rank among the named, answers. */
export interface QuizRow {
  readonly voter: string;
  readonly name: string | null;
  readonly kind: PlayerKind | null;
  readonly score: number;
  readonly rank: number | null;
  readonly answers: readonly (Answer | null)[];
}

/**
 * Quiz mode over a lesson: nicknames bound to voter secrets, scores from the
 * stored votes (shared/quiz/score.ts), the kiosk's leaderboard topic. A question
 * scores once it is closed, so neither a phone's score nor the leaderboard tells
 * anyone the answer while the question is still open.
 */
export class QuizService {
  /** The lesson whose leaderboard the kiosk shows, if any: kept in the database, so a restart keeps it. */
  private shown: string | null;

  constructor(private readonly ctx: QuizServiceContext) {
    const last = ctx.store.leaderboard();
    this.shown = last?.shown === true ? last.lessonId : null;
  }

  /** The quiz a poll belongs to; NotAQuizError for any other poll. */
  quizOfPoll(pollId: string): LessonSummary {
    const lessonId = this.ctx.store.lessonOfPoll(pollId);
    if (lessonId === null) throw new NotAQuizError(`Poll ${JSON.stringify(pollId)}`);
    return this.quiz(lessonId);
  }

  isQuizPoll(pollId: string): boolean {
    const lessonId = this.ctx.store.lessonOfPoll(pollId);
    return lessonId !== null && this.ctx.lessons.get(lessonId).quiz;
  }

  quiz(lessonId: string): LessonSummary {
    const lesson = this.ctx.lessons.get(lessonId);
    if (!lesson.quiz) throw new NotAQuizError(`Lesson ${JSON.stringify(lessonId)}`);
    return lesson;
  }

  /** Every voter's row; `closedOnly` leaves out the questions still open (what students may see). */
  rows(lesson: LessonSummary, closedOnly: boolean): QuizRow[] {
    this.ctx.log.flush();
    const openings = this.ctx.store.firstOpenings(lesson.id);
    const questions: QuizQuestion[] = lesson.questions
      .filter((q) => !closedOnly || q.state !== 'open')
      .map((q) => ({ pollId: q.pollId, policy: q.policy, correct: q.correct, seconds: q.seconds, openedAt: openings.get(q.pollId) ?? null }));
    const votes = this.ctx.store.votes(lesson.id);
    const names = this.names(lesson.id, votes);
    const scores = scoreQuiz(questions, votes, { timeBonus: lesson.timeBonus });
    // Named voters who have not answered yet are players too, with 0.
    const answered = new Set(scores.map((s) => s.voter));
    const all = [...scores, ...[...names.keys()].filter((v) => !answered.has(v)).map((voter) => ({ voter, score: 0, answers: questions.map(() => null) }))];
    const named = all.flatMap((s) => {
      const name = names.get(s.voter);
      return name === undefined ? [] : [{ voter: s.voter, name: name.name, score: s.score }];
    });
    const ranks = new Map(rankScores(named).map((r) => [r.entry.voter, r.rank]));
    return all.map((s) => {
      const name = names.get(s.voter);
      return { voter: s.voter, name: name?.name ?? null, kind: name?.kind ?? null, score: s.score, rank: ranks.get(s.voter) ?? null, answers: s.answers };
    });
  }

  /** Who each named voter is: nicknames, then the teams its votes carried (shared/quiz/names.ts). */
  private names(lessonId: string, votes = this.ctx.store.votes(lessonId)): Map<string, PlayerName> {
    const teams = votes.filter((v) => v.team !== null).map((v) => ({ voter: v.voter, team: v.team as string }));
    return resolveNames(this.ctx.store.nicknames(lessonId), teams);
  }

  /** A phone's own view, found by its secret. */
  player(pollId: string, secret: string): PlayerView {
    const lesson = this.quizOfPoll(pollId);
    const rows = this.rows(lesson, true);
    const mine = rows.find((r) => r.voter === secret);
    const nickname = this.ctx.store.nicknames(lesson.id).get(secret) ?? (mine?.kind === 'team' ? mine.name : null);
    return {
      lesson: lesson.id,
      title: lesson.title,
      nickname,
      score: mine?.score ?? 0,
      rank: mine?.rank ?? null,
      players: rows.filter((r) => r.rank !== null).length,
      scored: scoredCount(lesson),
      questions: lesson.questions.length,
    };
  }

  /** Binds a nickname to the voter secret (or changes it): unique in the lesson, teams included. */
  claim(pollId: string, secret: string, raw: unknown): PlayerView {
    const lesson = this.quizOfPoll(pollId);
    const problem = nameProblem(raw);
    if (problem !== null) throw new InvalidNicknameError(problem);
    const nickname = cleanName(raw as string);
    const key = nameKey(nickname);
    const holder = this.ctx.store.holder(lesson.id, key);
    const team = [...this.names(lesson.id)].find(([, n]) => n.kind === 'team' && nameKey(n.name) === key);
    if ((holder !== null && holder !== secret) || (team !== undefined && team[0] !== secret)) throw new NicknameTakenError(nickname);
    // The endpoint is public: a bound on what a script with made-up secrets can store.
    if (!this.ctx.store.nicknames(lesson.id).has(secret) && this.ctx.store.count(lesson.id) >= MAX_PLAYERS) throw new QuizFullError(MAX_PLAYERS);
    this.ctx.store.setNickname(lesson.id, secret, nickname, key, this.ctx.clock.now());
    this.ctx.logger.info('quiz nickname chosen', { lesson: lesson.id, nickname });
    this.republish(lesson.id);
    return this.player(pollId, secret);
  }

  /** The top names and scores, no answers. */
  leaderboard(lessonId: string, shown: boolean): Leaderboard {
    const lesson = this.quiz(lessonId);
    const ranked = this.rows(lesson, true)
      .filter((r) => r.rank !== null)
      .sort((a, b) => (a.rank as number) - (b.rank as number) || ((a.name as string) < (b.name as string) ? -1 : 1));
    const scored = scoredCount(lesson);
    return {
      lesson: lesson.id,
      title: lesson.title,
      shown,
      final: lesson.current === lesson.questions.length - 1 && lesson.questions.at(-1)?.state === 'closed',
      scored,
      questions: lesson.questions.length,
      entries: ranked.slice(0, LEADERBOARD_SIZE).map((r) => ({ rank: r.rank as number, name: r.name as string, kind: r.kind as PlayerKind, score: r.score })),
      at: this.ctx.clock.now(),
    };
  }

  /** Shows the leaderboard on the kiosk (retained) or takes it off. */
  show(lessonId: string, shown: boolean): Leaderboard {
    const board = this.leaderboard(lessonId, shown);
    if (shown) this.shown = lessonId;
    else if (this.shown === lessonId) this.shown = null;
    if (shown || this.shown === null) this.ctx.store.setLeaderboard(lessonId, shown);
    this.ctx.link.publish(this.ctx.topics.leaderboard, encodeLeaderboard(board), { qos: 1, retain: true });
    this.ctx.logger.info(shown ? 'quiz leaderboard shown' : 'quiz leaderboard hidden', { lesson: lessonId });
    return board;
  }

  /**
   * A poll changed state: a quiz whose last question just closed shows its final
   * leaderboard by itself; a shown leaderboard follows the scores.
   */
  pollChanged(pollId: string, state: 'open' | 'closed'): void {
    const lessonId = this.ctx.store.lessonOfPoll(pollId);
    if (lessonId === null) return;
    const lesson = this.ctx.lessons.get(lessonId);
    if (!lesson.quiz) return;
    if (state === 'open' && this.shown === lessonId) {
      this.show(lessonId, false);
      return;
    }
    const last = lesson.questions.at(-1);
    if (state === 'closed' && last?.pollId === pollId) this.show(lessonId, true);
    else this.republish(lessonId);
  }

  /**
   * After each connect to the broker: the retained leaderboard as the database says,
   * with today's scores. The embedded broker starts empty, and Mosquitto may keep a
   * copy older than the hub's last word; with none ever shown, an empty retained
   * message clears whatever another database left there.
   */
  publishLeaderboard(): void {
    const last = this.ctx.store.leaderboard();
    try {
      if (last !== null) {
        this.ctx.link.publish(this.ctx.topics.leaderboard, encodeLeaderboard(this.leaderboard(last.lessonId, last.shown)), { qos: 1, retain: true });
        return;
      }
    } catch (error) {
      this.ctx.logger.warn('cannot republish the leaderboard: its lesson is gone or no longer a quiz', { lesson: last?.lessonId, error: error instanceof Error ? error.message : String(error) });
    }
    this.shown = null;
    this.ctx.link.publish(this.ctx.topics.leaderboard, '', { qos: 1, retain: true });
  }

  private republish(lessonId: string): void {
    if (this.shown === lessonId) this.show(lessonId, true);
  }
}

/** The questions asked and closed so far: those up to the current one, but not an open one. */
function scoredCount(lesson: LessonSummary): number {
  if (lesson.current === null) return 0;
  return lesson.questions.filter((q) => q.position <= (lesson.current as number) && q.state !== 'open').length;
}
