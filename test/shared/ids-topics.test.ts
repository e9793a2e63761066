import { describe, expect, it } from 'vitest';
import { InvalidIdError } from '../../shared/errors/index.js';
import { MAX_ID_LENGTH, assertId, idProblem, isValidId } from '../../shared/ids.js';
import { type ParsedTopic, type Topics, assertPrefix, createTopics, parseTopic } from '../../shared/topics.js';

const REJECTED_IDS: ReadonlyArray<[string, string, RegExp]> = [
  ['plus wildcard', 'a+b', /wildcards/],
  ['hash wildcard', 'a#', /wildcards/],
  ['level separator', 'a/b', /separator/],
  ['empty', '', /empty/],
  ['65 characters', 'x'.repeat(MAX_ID_LENGTH + 1), /at most 64/],
  ['leading $', '$SYS', /\$/],
  ['space', 'a b', /spaces/],
  ['control character', 'a\u0007b', /control/],
  ['newline', 'a\nb', /control/],
  ['NUL', 'a\u0000b', /control/],
]

const ACCEPTED_IDS = ['Zoé', 'IFT1215', 'a.b-c_d:e@f', 'x'.repeat(MAX_ID_LENGTH), '42', 'élève-3'];

describe('ids', () => {
  it.each(REJECTED_IDS)('rejects an id with %s', (_what, value, problem) => {
    expect(isValidId(value)).toBe(false);
    expect(idProblem(value)).toMatch(problem);
    expect(() => assertId('poll id', value)).toThrow(InvalidIdError);
    try {
      assertId('poll id', value);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidIdError);
      const e = error as InvalidIdError;
      expect(e.name).toBe('InvalidIdError');
      expect(e.what).toBe('poll id');
      expect(e.value).toBe(value);
      expect(e.message).toContain('poll id');
    }
  });

  it.each(ACCEPTED_IDS)('accepts %j', (value) => {
    expect(idProblem(value)).toBeNull();
    expect(assertId('voter id', value)).toBe(value);
  });

  it.each([null, undefined, 42, {}, ['a']])('rejects the non-string %j', (value) => {
    expect(isValidId(value)).toBe(false);
  });
});

type Builder = (t: Topics) => string;

/** Every concrete builder, with the topic it must produce after `<prefix>/` and what parseTopic must read. */
const BUILDERS: ReadonlyArray<[string, Builder, string, ParsedTopic]> = [
  ['poll', (t) => t.poll('p1'), 'polls/p1', { kind: 'poll', pollId: 'p1' }],
  ['votes', (t) => t.votes('p1'), 'votes/p1', { kind: 'votes', pollId: 'p1' }],
  ['tally', (t) => t.tally('p1'), 'tally/p1', { kind: 'tally', pollId: 'p1' }],
  ['receipts', (t) => t.receipts('Zoé'), 'receipts/Zoé', { kind: 'receipts', voter: 'Zoé' }],
  ['deviceStatus', (t) => t.deviceStatus('box-1'), 'devices/box-1/status', { kind: 'device-status', deviceId: 'box-1' }],
  [
    'deviceButton',
    (t) => t.deviceButton('box-1', 'A'),
    'devices/box-1/buttons/A',
    { kind: 'device-button', deviceId: 'box-1', button: 'A' },
  ],
  ['chat', (t) => t.chat('Zoé'), 'chat/Zoé', { kind: 'chat', name: 'Zoé' }],
];

const WILDCARDS: ReadonlyArray<[string, Builder, string]> = [
  ['allPolls', (t) => t.allPolls, 'polls/+'],
  ['allVotes', (t) => t.allVotes, 'votes/+'],
  ['allTallies', (t) => t.allTallies, 'tally/+'],
  ['allReceipts', (t) => t.allReceipts, 'receipts/+'],
  ['allDeviceStatus', (t) => t.allDeviceStatus, 'devices/+/status'],
  ['allChat', (t) => t.allChat, 'chat/+'],
];

const PREFIXES = ['classroom', 'school/room-12/B'] as const;

describe.each(PREFIXES)('createTopics with prefix %s', (prefix) => {
  const topics = prefix === 'classroom' ? createTopics() : createTopics({ prefix });

  it('keeps the prefix and the bread topics', () => {
    expect(topics.prefix).toBe(prefix);
    expect(topics.bread).toBe('pain/cuisson');
    expect(topics.breadTemperature).toBe('pain/cuisson/temperature');
    expect(parseTopic(topics, topics.bread)).toEqual({ kind: 'bread' });
    expect(parseTopic(topics, topics.breadTemperature)).toEqual({ kind: 'bread-temperature' });
  });

  it.each(BUILDERS)('builds and parses back %s', (_name, build, suffix, parsed) => {
    const topic = build(topics);
    expect(topic).toBe(`${prefix}/${suffix}`);
    expect(parseTopic(topics, topic)).toEqual(parsed);
  });

  it.each(WILDCARDS)('has the subscription %s, which is not a concrete topic', (_name, get, suffix) => {
    const filter = get(topics);
    expect(filter).toBe(`${prefix}/${suffix}`);
    expect(parseTopic(topics, filter)).toBeNull();
  });

  it.each(['a+', '#', 'a/b', '', '$x', 'a b'])('builders refuse the id %j', (bad) => {
    expect(() => topics.poll(bad)).toThrow(InvalidIdError);
    expect(() => topics.votes(bad)).toThrow(InvalidIdError);
    expect(() => topics.tally(bad)).toThrow(InvalidIdError);
    expect(() => topics.receipts(bad)).toThrow(InvalidIdError);
    expect(() => topics.deviceStatus(bad)).toThrow(InvalidIdError);
    expect(() => topics.deviceButton('box', bad)).toThrow(InvalidIdError);
    expect(() => topics.deviceButton(bad, 'A')).toThrow(InvalidIdError);
    expect(() => topics.chat(bad)).toThrow(InvalidIdError);
  });

  it.each([
    'other/polls/p1',
    `${prefix}x/polls/p1`,
    `x/${prefix}/polls/p1`,
    `${prefix}/unknown/p1`,
    `${prefix}/polls`,
    `${prefix}/polls/`,
    `${prefix}/polls/p1/extra`,
    `${prefix}/votes/p1/x/y`,
    `${prefix}/devices/box`,
    `${prefix}/devices/box/status/extra`,
    `${prefix}/devices/box/buttons`,
    `${prefix}/devices/box/buttons/A/extra`,
    `${prefix}/devices/box/other/A`,
    `${prefix}/chat/a b`,
    `${prefix}/polls/$x`,
    'pain/cuisson/other',
    '$SYS/broker/uptime',
  ])('parseTopic(%j) is null', (topic) => {
    expect(parseTopic(topics, topic)).toBeNull();
  });
});

describe('custom bread topics', () => {
  it('derives the temperature topic from a custom bread topic', () => {
    const topics = createTopics({ prefix: 'lab', bread: 'four/pain' });
    expect(topics.breadTemperature).toBe('four/pain/temperature');
    expect(parseTopic(topics, 'four/pain')).toEqual({ kind: 'bread' });
    expect(parseTopic(topics, 'pain/cuisson')).toBeNull();
  });
});

describe('assertPrefix', () => {
  it.each(['classroom', 'a/b/c', 'école-1/salle_2'])('accepts %j', (prefix) => {
    expect(assertPrefix(prefix)).toBe(prefix);
    expect(createTopics({ prefix }).prefix).toBe(prefix);
  });

  it.each(['', 'a/+', '#', 'a/#', 'a//b', '/a', 'a/', '$SYS', 'a/$b', 'a b'])('rejects %j', (prefix) => {
    expect(() => assertPrefix(prefix)).toThrow(InvalidIdError);
    expect(() => createTopics({ prefix })).toThrow(InvalidIdError);
  });

  it('names the bad level in the error', () => {
    expect(() => assertPrefix('a//b')).toThrow(/level ""/);
    expect(() => assertPrefix('a/+')).toThrow(/level "\+"/);
  });
});
