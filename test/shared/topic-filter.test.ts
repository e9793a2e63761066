/**
 * SPEC: one topic-filter rule for the device, the broker's access rules and the
 * tests, as MQTT 3.1.1 §4.7 has it: `+` one level, `#` the rest and the parent,
 * and no filter starting with a wildcard reaches a `$` topic (§4.7.2).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filtersOverlap, topicMatches } from '../../shared/topic-filter.js';

describe('topicMatches', () => {
  it.each([
    ['classroom/tally/+', 'classroom/tally/cours', true],
    ['classroom/tally/+', 'classroom/tally/cours/x', false],
    ['classroom/tally/+', 'classroom/tally', false],
    ['classroom/tally/+', 'classroom/tally/', true],
    ['pain/cuisson/#', 'pain/cuisson', true],
    ['pain/cuisson/#', 'pain/cuisson/temperature', true],
    ['pain/cuisson/#', 'pain/cuisson/a/b/c', true],
    ['pain/cuisson/#', 'pain', false],
    ['pain/cuisson', 'pain/cuisson/temperature', false],
    ['pain/cuisson', 'pain/cuisson', true],
    ['Pain/cuisson', 'pain/cuisson', false],
    ['+/tally/+', 'classroom/tally/cours', true],
    ['+', 'classroom', true],
    ['+', 'classroom/x', false],
    ['+/+', '/x', true],
    ['#', 'classroom/tally/cours', true],
    ['#', '/', true],
    // §4.7.2: a leading wildcard never reaches a `$` topic, an explicit `$` level does.
    ['#', '$SYS/broker/uptime', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['+', '$SYS', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['$SYS/+/uptime', '$SYS/broker/uptime', true],
    ['$SYS', '$SYS', true],
    ['classroom/+', 'classroom/$x', true],
  ])('%s matches %s: %s', (filter, topic, result) => {
    expect(topicMatches(filter, topic)).toBe(result);
  });
});

describe('filtersOverlap', () => {
  it.each([
    ['classroom/tally/+', '#', true],
    ['classroom/tally/+', 'classroom/+/cours', true],
    ['classroom/tally/+', 'classroom/votes/+', false],
    ['pain/cuisson/#', 'pain/cuisson', true],
    ['pain/cuisson', 'pain/#', true],
    ['classroom/chat/+', 'classroom/chat', false],
    ['classroom/#', '$SYS/#', false],
    ['#', '$SYS/broker', false],
    ['+/broker', '$SYS/+', false],
    ['$SYS/#', '$SYS/broker', true],
    ['a/+/c', 'a/b/+', true],
    ['a/+', 'a/b/c', false],
    ['a/b/#', 'a/+/c/#', true],
  ])('%s overlaps %s: %s', (a, b, result) => {
    expect(filtersOverlap(a, b)).toBe(result);
    expect(filtersOverlap(b, a)).toBe(result);
  });
});

describe('topic filters, by property', () => {
  const level = fc.constantFrom('', 'a', 'b', 'cours', '$SYS', '$x', 'é');
  const topic = fc.array(level, { minLength: 1, maxLength: 5 }).map((levels) => levels.join('/'));
  const filter = fc
    .array(fc.constantFrom('', 'a', 'b', '$SYS', '+'), { minLength: 1, maxLength: 5 })
    .chain((levels) => fc.boolean().map((hash) => (hash ? [...levels, '#'] : levels).join('/')));
  const anyFilter = fc.oneof(filter, fc.constant('#'));

  it('a topic without wildcards matches itself and nothing else of its length', () => {
    fc.assert(fc.property(topic, topic, (t, u) => topicMatches(t, u) === (t === u)));
  });

  it('a filter that matches a topic overlaps it (a topic is a filter), either way round', () => {
    fc.assert(
      fc.property(anyFilter, topic, (f, t) => {
        if (topicMatches(f, t)) expect(filtersOverlap(f, t) && filtersOverlap(t, f)).toBe(true);
      }),
    );
  });

  it('any level may become `+`, and any tail `#`, except in front of a `$` topic', () => {
    fc.assert(
      fc.property(topic, fc.nat(), (t, at) => {
        const levels = t.split('/');
        const i = at % levels.length;
        const plus = levels.map((l, j) => (j === i ? '+' : l)).join('/');
        const hash = [...levels.slice(0, i), '#'].join('/');
        const dollar = t.startsWith('$') && i === 0;
        expect(topicMatches(plus, t)).toBe(!dollar);
        expect(topicMatches(hash, t)).toBe(!dollar);
      }),
    );
  });
});
