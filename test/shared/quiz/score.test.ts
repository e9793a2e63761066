import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Policy } from '../../../shared/poll.js';
import { type QuizQuestion, type QuizVote, countedAnswers, rankScores, scoreQuiz, timeBonus } from '../../../shared/quiz/score.js';

const q = (pollId: string, correct: string | null, policy: Policy = 'one-per-voter', openedAt: number | null = 0, seconds: number | null = null): QuizQuestion => ({ pollId, correct, policy, openedAt, seconds });
const v = (pollId: string, voter: string, option: string, receivedAt = 0): QuizVote => ({ pollId, voter, option, receivedAt });
const scoresOf = (questions: QuizQuestion[], votes: QuizVote[], timeBonusPoints = 0) =>
  Object.fromEntries(scoreQuiz(questions, votes, { timeBonus: timeBonusPoints }).map((s) => [s.voter, s.score]));

describe('scoreQuiz (table)', () => {
  const CASES: ReadonlyArray<[string, QuizQuestion[], QuizVote[], Record<string, number>]> = [
    ['one point per correct answer', [q('p1', 'A'), q('p2', 'B')], [v('p1', 'u1', 'A'), v('p2', 'u1', 'B'), v('p1', 'u2', 'B'), v('p2', 'u2', 'B')], { u1: 2, u2: 1 }],
    ['one-per-voter: the first vote counts', [q('p1', 'A')], [v('p1', 'u1', 'B'), v('p1', 'u1', 'A')], { u1: 0 }],
    ['last-wins: the last vote to reach the hub counts', [q('p1', 'A', 'last-wins')], [v('p1', 'u1', 'B'), v('p1', 'u1', 'A')], { u1: 1 }],
    ['last-wins: changing away from the right answer loses it', [q('p1', 'A', 'last-wins')], [v('p1', 'u1', 'A'), v('p1', 'u1', 'C')], { u1: 0 }],
    ['every-press: the first press is the answer, pressing every button scores nothing more', [q('p1', 'C', 'every-press')], [v('p1', 'box', 'A'), v('p1', 'box', 'B'), v('p1', 'box', 'C')], { box: 0 }],
    ['every-press: a right first press scores once', [q('p1', 'A', 'every-press')], [v('p1', 'box', 'A'), v('p1', 'box', 'A')], { box: 1 }],
    ['a question without a correct answer scores nothing', [q('p1', null), q('p2', 'A')], [v('p1', 'u1', 'A'), v('p2', 'u1', 'A')], { u1: 1 }],
    ['votes of polls outside the quiz are ignored', [q('p1', 'A')], [v('other', 'u1', 'A'), v('p1', 'u2', 'A')], { u2: 1 }],
    ['no speed points by default: a late right answer is worth a fast one', [q('p1', 'A')], [v('p1', 'fast', 'A', 10), v('p1', 'slow', 'A', 29_000)], { fast: 1, slow: 1 }],
  ];
  it.each(CASES)('%s', (_name, questions, votes, expected) => {
    expect(scoresOf(questions, votes)).toEqual(expected);
  });

  it('records each answer, right or wrong, and null where the voter did not answer', () => {
    const [row] = scoreQuiz([q('p1', 'A'), q('p2', 'B'), q('p3', null)], [v('p1', 'u1', 'A'), v('p3', 'u1', 'C')]);
    expect(row?.answers).toEqual([{ option: 'A', correct: true, points: 1 }, null, { option: 'C', correct: null, points: 0 }]);
  });

  it('the optional time bonus uses hub times only: opening and arrival', () => {
    const questions = [q('p1', 'A', 'one-per-voter', 1_000, 10)];
    // 0 s after opening: +5; 5 s: +3 (2.5 rounded); 10 s or later: +0; a wrong answer: nothing.
    expect(scoresOf(questions, [v('p1', 'a', 'A', 1_000), v('p1', 'b', 'A', 6_000), v('p1', 'c', 'A', 11_000), v('p1', 'd', 'B', 1_000)], 5)).toEqual({ a: 6, b: 4, c: 1, d: 0 });
  });
});

describe('timeBonus and rankScores (table)', () => {
  it.each([
    [0, 10_000, 5, 5],
    [-500, 10_000, 5, 5],
    [9_999, 10_000, 5, 0],
    [10_000, 10_000, 5, 0],
    [5_000, 10_000, 0, 0],
    [Number.NaN, 10_000, 5, 0],
  ])('elapsed %d of %d with %d points: %d', (elapsed, window, max, expected) => {
    expect(timeBonus(elapsed, window, max)).toBe(expected);
  });

  it('ranks by score; ties share a rank, listed by name, and the next rank skips', () => {
    const ranked = rankScores([
      { name: 'Zoé', score: 2 },
      { name: 'Ali', score: 3 },
      { name: 'Bea', score: 2 },
      { name: 'Cid', score: 0 },
    ]);
    expect(ranked.map((r) => [r.rank, r.entry.name])).toEqual([[1, 'Ali'], [2, 'Bea'], [2, 'Zoé'], [4, 'Cid']]);
  });
});

const POLICIES: Policy[] = ['one-per-voter', 'last-wins', 'every-press'];
const arbitraryQuiz = fc.record({
  questions: fc.array(fc.record({ correct: fc.option(fc.constantFrom('A', 'B', 'C'), { nil: null }), policy: fc.constantFrom(...POLICIES), seconds: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }) }), { minLength: 1, maxLength: 5 }),
  votes: fc.array(fc.record({ q: fc.nat(4), voter: fc.constantFrom('u1', 'u2', 'u3', 'box'), option: fc.constantFrom('A', 'B', 'C'), at: fc.integer({ min: 0, max: 90_000 }) }), { maxLength: 40 }),
  bonus: fc.integer({ min: 0, max: 10 }),
});

describe('scoreQuiz (properties)', () => {
  const materialise = ({ questions, votes }: { questions: { correct: string | null; policy: Policy; seconds: number | null }[]; votes: { q: number; voter: string; option: string; at: number }[] }) => ({
    questions: questions.map((x, i) => q(`p${i}`, x.correct, x.policy, 0, x.seconds)),
    votes: [...votes].sort((a, b) => a.at - b.at).map((x) => v(`p${x.q % questions.length}`, x.voter, x.option, x.at)),
  });

  it('without a bonus, a score is the number of questions whose counted answer is right, at most one each', () => {
    fc.assert(
      fc.property(arbitraryQuiz, (raw) => {
        const { questions, votes } = materialise(raw);
        for (const row of scoreQuiz(questions, votes)) {
          const right = questions.filter((question) => {
            const counted = countedAnswers(question.policy, votes.filter((x) => x.pollId === question.pollId)).get(row.voter);
            return counted !== undefined && question.correct !== null && counted.option === question.correct;
          }).length;
          expect(row.score).toBe(right);
          expect(row.score).toBeLessThanOrEqual(questions.filter((x) => x.correct !== null).length);
        }
      }),
    );
  });

  it('the bonus only adds, never more than its maximum per right answer, and never to a wrong one', () => {
    fc.assert(
      fc.property(arbitraryQuiz, (raw) => {
        const { questions, votes } = materialise(raw);
        const plain = scoreQuiz(questions, votes);
        const bonus = scoreQuiz(questions, votes, { timeBonus: raw.bonus });
        bonus.forEach((row, i) => {
          const base = plain[i];
          expect(row.voter).toBe(base?.voter);
          expect(row.score).toBeGreaterThanOrEqual(base?.score ?? 0);
          expect(row.score - (base?.score ?? 0)).toBeLessThanOrEqual(raw.bonus * (base?.score ?? 0));
          row.answers.forEach((a) => a !== null && a.correct !== true && expect(a.points).toBe(0));
        });
      }),
    );
  });

  it('one voter\'s votes never change another voter\'s score', () => {
    fc.assert(
      fc.property(arbitraryQuiz, (raw) => {
        const { questions, votes } = materialise(raw);
        const without = scoreQuiz(questions, votes.filter((x) => x.voter !== 'u1'));
        const withU1 = new Map(scoreQuiz(questions, votes).map((r) => [r.voter, r.score]));
        for (const row of without) expect(withU1.get(row.voter)).toBe(row.score);
      }),
    );
  });

  it('ranks are a competition ranking of the scores', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 4 }), score: fc.nat(5) })), (entries) => {
        const ranked = rankScores(entries);
        expect(ranked).toHaveLength(entries.length);
        for (const r of ranked) expect(r.rank).toBe(1 + entries.filter((e) => e.score > r.entry.score).length);
      }),
    );
  });
});
