import { describe, expect, it } from 'vitest';
import { decodePoll, encodePoll, validatePoll } from '../../../shared/codecs/poll.js';
import { decodeReceipt, encodeReceipt, receiptFor } from '../../../shared/codecs/receipt.js';
import { correctPosition, samplePoll, verdictOf } from '../../../shared/poll.js';
import { applyVote, createTally, recordRejection } from '../../../shared/tally.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('the revealed correct answer in the poll codec', () => {
  it('round-trips `correct`, and a poll without it stays without it (old pages ignore it)', () => {
    const revealed = { ...samplePoll('q'), correct: 'MAT1400' };
    expect(decodePoll(bytes(encodePoll(revealed)))).toEqual({ ok: true, value: revealed });
    expect(encodePoll(samplePoll('q'))).not.toContain('correct');
    expect(decodePoll(bytes(encodePoll(samplePoll('q'))))).toEqual({ ok: true, value: samplePoll('q') });
  });

  it('refuses a `correct` that is not one of the options, or not text', () => {
    const raw = JSON.parse(encodePoll(samplePoll('q'))) as Record<string, unknown>;
    expect(validatePoll({ ...raw, correct: 'NOPE' })).toMatchObject({ ok: false, reason: 'unknown-option' });
    expect(validatePoll({ ...raw, correct: 3 })).toMatchObject({ ok: false, reason: 'bad-type' });
  });

  it('a verdict only once revealed; the position of the correct option for boxes that vote by position', () => {
    const poll = samplePoll('q');
    expect(verdictOf(poll, 'IFT1215')).toBeNull();
    expect(correctPosition(poll)).toBeNull();
    const revealed = { ...poll, correct: 'IFT1065' };
    expect(verdictOf(revealed, 'IFT1065')).toBe('right');
    expect(verdictOf(revealed, 'IFT1215')).toBe('wrong');
    expect(correctPosition(revealed)).toBe(3);
  });
});

describe('a receipt tells the truth about a copy of a refused vote (issue 13)', () => {
  const open = { ...samplePoll('q'), state: 'open' as const, policy: 'one-per-voter' as const };

  it('a redelivered refused vote is answered `rejected` with the first reason, marked duplicate; a counted one `duplicate`', () => {
    const tally = createTally(open);
    const vote = (id: string, option: string) => ({ id, option, voter: 'zoe', source: 'web', ts: 0 });
    expect(applyVote(tally, vote('a', 'IFT1215'))).toMatchObject({ status: 'counted' });
    expect(applyVote(tally, vote('b', 'MAT1400'))).toMatchObject({ status: 'rejected', reason: 'already-voted' });
    const copyOfRefused = applyVote(tally, vote('b', 'MAT1400'));
    expect(copyOfRefused).toEqual({ status: 'duplicate', refused: 'already-voted' });
    expect(receiptFor('b', 'q', copyOfRefused)).toEqual({ id: 'b', poll: 'q', status: 'rejected', reason: 'already-voted', duplicate: true });
    // Counted once, refused once: the copy changed nothing.
    expect(tally.total).toBe(1);
    expect(tally.rejected).toBe(1);
    expect(receiptFor('a', 'q', applyVote(tally, vote('a', 'IFT1215')))).toEqual({ id: 'a', poll: 'q', status: 'duplicate' });
    // A refusal recorded before the reducer (a payload that did not decode) answers its copies the same way.
    expect(recordRejection(tally, 'bad-type', 'c')).toMatchObject({ status: 'rejected' });
    expect(receiptFor('c', 'q', recordRejection(tally, 'bad-type', 'c'))).toMatchObject({ status: 'rejected', reason: 'bad-type', duplicate: true });
  });

  it('the receipt codec reads the new flag and still reads the old receipts', () => {
    const fresh = { id: 'b', poll: 'q', status: 'rejected', reason: 'poll-closed', duplicate: true } as const;
    expect(decodeReceipt(bytes(encodeReceipt(fresh)))).toEqual({ ok: true, value: fresh });
    expect(decodeReceipt(bytes('{"id":"b","poll":"q","status":"duplicate"}'))).toEqual({ ok: true, value: { id: 'b', poll: 'q', status: 'duplicate' } });
    expect(decodeReceipt(bytes('{"id":"b","poll":"q","status":"rejected","reason":"poll-closed"}'))).toEqual({
      ok: true,
      value: { id: 'b', poll: 'q', status: 'rejected', reason: 'poll-closed' },
    });
  });
});
