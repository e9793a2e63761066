import { describe, expect, it } from 'vitest';
import { decodeVote, encodePress, resolvePosition, stampSentAt } from '../../shared/codecs/vote.js';
import { validatePoll } from '../../shared/codecs/poll.js';
import { currentPollAt } from '../../shared/current-poll.js';
import { samplePoll } from '../../shared/poll.js';
import { MAX_PRESS_AGE_MS, PRESS_TRANSIT_MARGIN_MS, pressWindow, pressedAt } from '../../shared/press-time.js';

describe('presses a device could not resolve (issue 14 item 1)', () => {
  it('a press by position decodes, resolves to the option at that position, and is refused past the last one', () => {
    const payload = stampSentAt(encodePress({ id: 'p1', position: 2, voter: 'box-1', source: 'button', ts: 1_000 }), 61_000);
    const decoded = decodeVote(payload, { receivedAt: 5 });
    expect(decoded).toEqual({ ok: true, value: { id: 'p1', position: 2, voter: 'box-1', source: 'button', ts: 1_000, sentAt: 61_000 } });
    if (!decoded.ok) return;
    expect(resolvePosition(decoded.value, samplePoll())).toEqual({ ok: true, value: { id: 'p1', option: 'MAT1400', voter: 'box-1', source: 'button', ts: 1_000, sentAt: 61_000 } });
    expect(resolvePosition({ ...decoded.value, position: 5 } as never, samplePoll())).toMatchObject({ ok: false, reason: 'unknown-option' });
    expect(decodeVote('{"id":"p","position":0,"voter":"v"}', { receivedAt: 0 })).toMatchObject({ ok: false, reason: 'bad-type' });
    expect(decodeVote('{"id":"p","position":1,"option":"A","voter":"v"}', { receivedAt: 0 })).toMatchObject({ ok: false, reason: 'bad-type' });
  });

  it("the press time is the arrival minus the device's elapsed time, never its absolute clock, and bounded", () => {
    // A device whose clock is a year behind: only sentAt - ts (60 s) counts.
    const yearAgo = 1_764_160_000_000 - 365 * 86_400_000;
    expect(pressedAt({ ts: yearAgo, sentAt: yearAgo + 60_000 }, 1_764_160_000_000)).toBe(1_764_160_000_000 - 60_000);
    expect(pressedAt({ ts: 5_000, sentAt: 1_000 }, 10_000)).toBe(10_000);
    expect(pressedAt({ ts: 0, sentAt: 1e308 }, 10_000)).toBe(10_000 - MAX_PRESS_AGE_MS);
    expect(pressedAt({ ts: 0 }, 10_000)).toBe(10_000);
  });

  it('the press window: no later than its dated time (transit only adds), no earlier than the transit margin before', () => {
    expect(pressWindow({ ts: 1_000, sentAt: 4_000 }, 10_000)).toEqual({ earliest: 7_000 - PRESS_TRANSIT_MARGIN_MS, latest: 7_000 });
    expect(pressWindow({ ts: 0 }, 10_000)).toEqual({ earliest: 10_000 - PRESS_TRANSIT_MARGIN_MS, latest: 10_000 });
  });

  it('the poll current at a past moment: the open one opened last, none between openings', () => {
    const openings = [
      { pollId: 'q1', openedAt: 100, closedAt: 200 },
      { pollId: 'q2', openedAt: 150, closedAt: null },
      { pollId: 'q3', openedAt: 300, closedAt: 400 },
    ];
    expect(currentPollAt(openings, 50)).toBeNull();
    expect(currentPollAt(openings, 120)).toBe('q1');
    expect(currentPollAt(openings, 160)).toBe('q2');
    expect(currentPollAt(openings, 350)).toBe('q3');
    expect(currentPollAt(openings, 400)).toBe('q2');
  });

  it('poll ids starting with @ are reserved for votes/@open', () => {
    expect(validatePoll({ ...samplePoll('@open') })).toMatchObject({ ok: false, reason: 'bad-id' });
  });
});
