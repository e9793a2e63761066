import { describe, expect, it } from 'vitest';
import { type Leaderboard, decodeLeaderboard, encodeLeaderboard } from '../../../shared/codecs/leaderboard.js';

const board: Leaderboard = {
  lesson: 'quiz',
  title: 'Quiz',
  shown: true,
  final: false,
  scored: 1,
  questions: 3,
  entries: [{ rank: 1, name: 'Zoé', kind: 'player', score: 1 }, { rank: 2, name: 'Les Rouges', kind: 'team', score: 0 }],
  at: 5,
};

describe('leaderboard codec', () => {
  it('round-trips, keeps at most 10 entries and refuses what is not a leaderboard', () => {
    expect(decodeLeaderboard(encodeLeaderboard(board))).toEqual(board);
    const many = { ...board, entries: Array.from({ length: 12 }, (_, i) => ({ rank: i + 1, name: `p${i}`, kind: 'player' as const, score: 12 - i })) };
    expect(decodeLeaderboard(encodeLeaderboard(many))?.entries).toHaveLength(10);
    expect(decodeLeaderboard('{"lesson":"q"}')).toBeNull();
    expect(decodeLeaderboard(JSON.stringify({ ...board, entries: [{ rank: 1, name: 'x', kind: 'spy', score: 1 }] }))).toBeNull();
    expect(decodeLeaderboard('not json')).toBeNull();
  });
});
