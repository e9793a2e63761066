/**
 * SPEC: the device, the server and the pages agree on which poll is current: a
 * pinned id wins, else the open poll opened last, ties to the smaller id.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentPoll, latestOpened } from '../../shared/current-poll.js';
import { type Poll, samplePoll } from '../../shared/poll.js';

const poll = (id: string, state: Poll['state'], openedAt: number | null): Poll => ({ ...samplePoll(id), state, openedAt });

describe('currentPoll', () => {
  it.each([
    ['nothing when there is no poll', [], null, null],
    ['nothing when no poll is open', [poll('a', 'closed', 10)], null, null],
    ['the open poll opened last', [poll('a', 'open', 10), poll('b', 'open', 20), poll('c', 'closed', 30)], null, 'b'],
    ['an open poll never opened (a forged message) after any opened one', [poll('a', 'open', null), poll('b', 'open', 0)], null, 'b'],
    ['the smaller id on a tie', [poll('b', 'open', 20), poll('a', 'open', 20)], null, 'a'],
    ['ids by code unit, not by locale', [poll('b', 'open', 20), poll('B', 'open', 20)], null, 'B'],
    ['the pinned poll whatever its state', [poll('a', 'open', 10), poll('b', 'closed', 5)], 'b', 'b'],
    ['nothing when the pinned poll is unknown', [poll('a', 'open', 10)], 'zzz', null],
  ])('%s', (_name, polls, pinned, expected) => {
    expect(currentPoll(polls, pinned)?.id ?? null).toBe(expected);
  });

  it('does not depend on the order the polls were seen in', () => {
    const anyPoll = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'B'),
      state: fc.constantFrom('open' as const, 'closed' as const),
      openedAt: fc.option(fc.integer({ min: 0, max: 3 })),
    });
    fc.assert(
      fc.property(fc.uniqueArray(anyPoll, { selector: (p) => p.id }), (drafts) => {
        const polls = drafts.map((d) => poll(d.id, d.state, d.openedAt));
        expect(currentPoll([...polls].reverse())).toBe(currentPoll(polls));
        const picked = currentPoll(polls);
        if (picked === null) expect(polls.some((p) => p.state === 'open')).toBe(false);
        else for (const p of polls) if (p.state === 'open') expect((p.openedAt ?? -1) <= (picked.openedAt ?? -1)).toBe(true);
      }),
    );
  });
});

describe('latestOpened', () => {
  it.each([
    ['nothing from nothing', [], null],
    ['the last opened, whatever its state', [poll('a', 'open', 10), poll('b', 'closed', 20)], 'b'],
    ['a never opened poll last', [poll('a', 'closed', null), poll('b', 'closed', 5)], 'b'],
    ['between never opened ones, the smaller id', [poll('b', 'closed', null), poll('a', 'closed', null)], 'a'],
  ])('%s', (_name, polls, expected) => {
    expect(latestOpened(polls)?.id ?? null).toBe(expected);
  });
});
