import { describe, expect, it } from 'vitest';
import { decodeBakeStart, encodeBakeStart, parseBreadHistory } from '../../../shared/codecs/bread-history.js';
import { createTopics, parseTopic } from '../../../shared/topics.js';

describe('bread history and bake start (shared/codecs/bread-history.ts)', () => {
  it('reads the history the hub serves, and refuses anything else', () => {
    expect(parseBreadHistory({ startedAt: 5, state: 'cuisson', readings: [[6, 21.5]] })).toEqual({ startedAt: 5, state: 'cuisson', readings: [[6, 21.5]] });
    expect(parseBreadHistory({ startedAt: null, state: null, readings: [] })).toEqual({ startedAt: null, state: null, readings: [] });
    expect(parseBreadHistory({ startedAt: 5, state: null, readings: [[6]] })).toBeNull();
    expect(parseBreadHistory({ startedAt: '5', state: null, readings: [] })).toBeNull();
    expect(parseBreadHistory([])).toBeNull();
  });

  it('round-trips the bake start on its topic', () => {
    expect(decodeBakeStart(encodeBakeStart(1_700_000_000_000))).toBe(1_700_000_000_000);
    expect(decodeBakeStart('nope')).toBeNull();
    expect(decodeBakeStart('{"startedAt":"x"}')).toBeNull();
    const topics = createTopics({ prefix: 'école/b' });
    expect(topics.breadBake).toBe('école/b/bread/bake');
    expect(parseTopic(topics, topics.breadBake)).toEqual({ kind: 'bread-bake' });
    expect(parseTopic(topics, 'école/b/bread/other')).toBeNull();
  });
});
