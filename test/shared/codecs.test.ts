import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { field } from '../../shared/codecs/payload.js';
import { decodePoll, encodePoll, validatePoll } from '../../shared/codecs/poll.js';
import { type ReceiptStatus, decodeReceipt, encodeReceipt, receiptFor } from '../../shared/codecs/receipt.js';
import type { RejectReason } from '../../shared/codecs/rejection.js';
import { decodeStatus, encodeStatus } from '../../shared/codecs/status.js';
import { decodeTally, encodeTally, snapshotOf } from '../../shared/codecs/tally.js';
import { type JsonVote, MAX_SOURCE_LENGTH, decodeVote, encodeVote } from '../../shared/codecs/vote.js';
import { isValidId } from '../../shared/ids.js';
import { type Poll, samplePoll } from '../../shared/poll.js';
import { applyVote, createTally, recordRejection } from '../../shared/tally.js';

const AT = 1_700_000_000_000;
const opts = { receivedAt: AT };
const json = (value: unknown): string => JSON.stringify(value);
const good = { id: 'v-1', option: 'IFT1215', voter: 'Zoé', source: 'button', ts: 1234 };
const byteLength = (text: string): number => new TextEncoder().encode(text).byteLength;
/** `text` padded with blanks to exactly `bytes` UTF-8 bytes. */
const padToBytes = (text: string, bytes: number): string => text + ' '.repeat(bytes - byteLength(text));

describe('decodeVote', () => {
  it('decodes a JSON vote, from text or bytes', () => {
    const expected = { ok: true, value: good };
    expect(decodeVote(json(good), opts)).toEqual(expected);
    expect(decodeVote(new TextEncoder().encode(json(good)), opts)).toEqual(expected);
    expect(decodeVote(`  ${json(good)}\n`, opts)).toEqual(expected);
  });

  it('defaults source to unknown and ts to the receive time', () => {
    expect(decodeVote(json({ id: 'v', option: 'A', voter: 'u' }), opts)).toEqual({
      ok: true,
      value: { id: 'v', option: 'A', voter: 'u', source: 'unknown', ts: AT },
    });
  });

  it.each(['IFT1215', 'IFT1215\n', ' IFT1215\r\n', '"IFT1215"', '" IFT1215 "'])('decodes the plain-text vote %j', (text) => {
    expect(decodeVote(text, opts)).toEqual({
      ok: true,
      value: { id: null, option: 'IFT1215', voter: null, source: 'plain', ts: AT },
    });
  });

  const REJECTIONS: ReadonlyArray<[RejectReason, string, string | Uint8Array, number?]> = [
    ['too-large', '1025 bytes', 'a'.repeat(1025)],
    ['too-large', '1025 bytes of JSON', padToBytes(json(good), 1025)],
    ['too-large', 'over a custom limit', json(good), 20],
    ['not-utf8', 'bytes ff fe', new Uint8Array([0xff, 0xfe])],
    ['not-utf8', 'a truncated sequence', new Uint8Array([0x41, 0xc3])],
    ['empty', 'nothing', ''],
    ['empty', 'blanks', ' \n\t '],
    ['empty', 'no bytes', new Uint8Array([])],
    ['bad-json', 'broken object', '{"id": "v",'],
    ['bad-json', 'broken JSON string', '"IFT1215'],
    ['bad-type', 'an array', '["IFT1215"]'],
    ['bad-type', 'a number id', json({ ...good, id: 42 })],
    ['bad-type', 'an object option', json({ ...good, option: { x: 1 } })],
    ['bad-type', 'ts as a NaN-like string', json({ ...good, ts: 'NaN' })],
    ['bad-type', 'a negative ts', json({ ...good, ts: -1 })],
    ['bad-type', 'a source too long', json({ ...good, source: 's'.repeat(MAX_SOURCE_LENGTH + 1) })],
    ['bad-type', 'a number source', json({ ...good, source: 7 })],
    ['missing-field', 'no voter', json({ id: 'v', option: 'A' })],
    ['missing-field', 'a null id', json({ ...good, id: null })],
    ['bad-id', 'an id with #', json({ ...good, id: 'v#1' })],
    ['bad-id', 'an option with a space', json({ ...good, option: 'IFT 1215' })],
    ['bad-id', 'a plain-text wildcard', '+'],
    ['bad-id', 'a plain-text sentence', 'I vote IFT1215'],
  ];

  it.each(REJECTIONS)('rejects with %s: %s', (reason, _what, payload, maxBytes) => {
    const decoded = decodeVote(payload, maxBytes === undefined ? opts : { ...opts, maxBytes });
    expect(decoded).toMatchObject({ ok: false, reason });
    if (!decoded.ok) expect(decoded.detail.length).toBeLessThan(200);
  });

  it('accepts exactly the limit and a raised custom limit', () => {
    const padded = padToBytes(json(good), 1024);
    expect(byteLength(padded)).toBe(1024);
    expect(decodeVote(padded, opts).ok).toBe(true);
    expect(decodeVote(padded + ' ', { ...opts, maxBytes: 2048 }).ok).toBe(true);
  });

  it('does not let a __proto__ key pollute Object.prototype', () => {
    const payload = '{"__proto__":{"x":1,"polluted":true},"id":"v","option":"A","voter":"u","constructor":{"prototype":{"y":2}}}';
    const decoded = decodeVote(payload, opts);
    expect(decoded).toEqual({ ok: true, value: { id: 'v', option: 'A', voter: 'u', source: 'unknown', ts: AT } });
    const probe: Record<string, unknown> = {};
    expect(probe['x']).toBeUndefined();
    expect(probe['polluted']).toBeUndefined();
    expect(probe['y']).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'x')).toBe(false);
  });

  it('ignores inherited fields: a vote from __proto__ alone is missing fields', () => {
    expect(decodeVote('{"__proto__":{"id":"v","option":"A","voter":"u"}}', opts)).toMatchObject({ ok: false, reason: 'missing-field' });
  });

  it('reads own fields only, even when Object.prototype is polluted', () => {
    expect(field(Object.create({ id: 'inherited' }) as Record<string, unknown>, 'id')).toBeUndefined();
    const proto = Object.prototype as unknown as Record<string, unknown>;
    proto['voter'] = 'evil';
    try {
      expect(decodeVote(json({ id: 'v', option: 'A' }), opts)).toMatchObject({ ok: false, reason: 'missing-field' });
    } finally {
      delete proto['voter'];
    }
  });

  const idChar = fc.constantFrom(...'abcXYZ019_.:@-éçÉ漢'.split(''));
  const validId = fc.string({ unit: idChar, minLength: 1, maxLength: 64 }).filter(isValidId);
  const jsonVote: fc.Arbitrary<JsonVote> = fc.record({
    id: validId,
    option: validId,
    voter: validId,
    source: fc.string({ maxLength: MAX_SOURCE_LENGTH }),
    ts: fc.oneof(fc.nat(), fc.double({ min: 0, max: 1e15, noNaN: true }).filter((n) => !Object.is(n, -0))),
  });

  it('encodeVote -> decodeVote is the identity on valid votes (property)', () => {
    fc.assert(
      fc.property(jsonVote, (vote) => {
        expect(decodeVote(encodeVote(vote), opts)).toEqual({ ok: true, value: vote });
      }),
    );
  });
});

const poll: Poll = { ...samplePoll('p1'), policy: 'last-wins', state: 'open', openedAt: 10 };

describe('decodePoll / validatePoll', () => {
  it('round-trips a poll and fills defaults', () => {
    expect(decodePoll(encodePoll(poll))).toEqual({ ok: true, value: poll });
    expect(
      validatePoll({ id: 'q', question: '  Why?  ', options: [{ id: 'a' }, { id: 'b', label: 'B' }], policy: 'every-press' }),
    ).toEqual({
      ok: true,
      value: { id: 'q', question: 'Why?', options: [{ id: 'a', label: 'a' }, { id: 'b', label: 'B' }], policy: 'every-press', state: 'closed', openedAt: null },
    });
  });

  const base = { id: 'q', question: 'Q?', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], policy: 'one-per-voter' };
  const BAD: ReadonlyArray<[RejectReason, string, Record<string, unknown>]> = [
    ['bad-id', 'duplicate option ids', { ...base, options: [{ id: 'a', label: 'A' }, { id: 'a', label: 'A2' }] }],
    ['bad-type', 'a single option', { ...base, options: [{ id: 'a', label: 'A' }] }],
    ['bad-type', 'a bad policy', { ...base, policy: 'most-votes' }],
    ['bad-type', 'a bad state', { ...base, state: 'paused' }],
    ['bad-type', 'a string openedAt', { ...base, openedAt: 'now' }],
    ['bad-type', 'an empty question', { ...base, question: '   ' }],
    ['bad-type', 'options not a list', { ...base, options: { a: 'A' } }],
    ['bad-type', 'an empty label', { ...base, options: [{ id: 'a', label: '' }, { id: 'b' }] }],
    ['bad-id', 'an option id with /', { ...base, options: [{ id: 'a/b' }, { id: 'b' }] }],
    ['bad-id', 'a poll id with +', { ...base, id: 'q+' }],
    ['missing-field', 'no policy', { id: 'q', question: 'Q?', options: base.options }],
  ];

  it.each(BAD)('rejects with %s: %s', (reason, _what, object) => {
    expect(validatePoll(object)).toMatchObject({ ok: false, reason });
    expect(decodePoll(json(object))).toMatchObject({ ok: false, reason });
  });

  it('rejects non-objects and broken JSON', () => {
    expect(decodePoll('[1,2]')).toMatchObject({ ok: false, reason: 'bad-type' });
    expect(decodePoll('{')).toMatchObject({ ok: false, reason: 'bad-json' });
    expect(decodePoll('null')).toMatchObject({ ok: false, reason: 'bad-type' });
  });
});

describe('decodeTally', () => {
  it('round-trips snapshotOf', () => {
    const state = createTally(poll);
    applyVote(state, { id: 'v1', option: 'IFT1215', voter: 'u1', source: 'web', ts: 1 });
    applyVote(state, { id: 'v2', option: 'nope', voter: 'u2', source: 'web', ts: 1 });
    recordRejection(state, 'bad-json');
    const snapshot = snapshotOf(state, AT);
    expect(decodeTally(encodeTally(snapshot))).toEqual({ ok: true, value: snapshot });
    expect(snapshot).toMatchObject({ total: 1, rejected: 2, rejectedBy: { 'unknown-option': 1, 'bad-json': 1 } });
  });

  const snap = { poll: 'p1', counts: { a: 1 }, total: 1, rejected: 0, rejectedBy: {}, seq: 1, at: 5 };
  it.each<[RejectReason, string, unknown]>([
    ['bad-type', 'a negative count', { ...snap, counts: { a: -1 } }],
    ['bad-type', 'a fractional count', { ...snap, counts: { a: 1.5 } }],
    ['bad-type', 'a negative total', { ...snap, total: -3 }],
    ['bad-type', 'counts as a list', { ...snap, counts: [1] }],
    ['bad-type', 'an invalid option key', { ...snap, counts: { 'a b': 1 } }],
    ['missing-field', 'no counts', { poll: 'p1' }],
    ['bad-id', 'a bad poll id', { ...snap, poll: '#' }],
  ])('rejects with %s: %s', (reason, _what, object) => {
    expect(decodeTally(json(object))).toMatchObject({ ok: false, reason });
  });

  it('ignores unknown or invalid rejectedBy entries', () => {
    const decoded = decodeTally(json({ ...snap, rejectedBy: { 'bad-json': 2, 'made-up': 5, toString: 1, 'too-large': -1 } }));
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect({ ...decoded.value.rejectedBy }).toEqual({ 'bad-json': 2 });
  });

  it('keeps an option called __proto__ as a plain count', () => {
    const protoPoll: Poll = { ...poll, options: [{ id: '__proto__', label: 'P' }, { id: 'b', label: 'B' }] };
    const state = createTally(protoPoll);
    expect(applyVote(state, { id: 'v1', option: '__proto__', voter: 'u', source: 'web', ts: 1 })).toMatchObject({ status: 'counted' });
    expect(state.counts['__proto__']).toBe(1);
    const text = encodeTally(snapshotOf(state, AT));
    expect(text).toContain('"__proto__":1');
    const decoded = decodeTally(text);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(Object.keys(decoded.value.counts).sort()).toEqual(['__proto__', 'b']);
    expect(decoded.value.counts['__proto__']).toBe(1);
    expect(Object.getPrototypeOf(decoded.value.counts)).toBeNull();
    expect(({} as Record<string, unknown>)['b']).toBeUndefined();
  });
});

describe('receipts', () => {
  it.each<[ReceiptStatus, RejectReason | undefined]>([
    ['counted', undefined],
    ['duplicate', undefined],
    ['rejected', 'poll-closed'],
    ['rejected', 'already-voted'],
  ])('round-trips a %s receipt (%s)', (status, reason) => {
    const receipt = reason === undefined ? { id: 'v1', poll: 'p1', status } : { id: 'v1', poll: 'p1', status, reason };
    expect(decodeReceipt(encodeReceipt(receipt))).toEqual({ ok: true, value: receipt });
  });

  it('builds receipts from outcomes', () => {
    expect(receiptFor('v', 'p', { status: 'counted', changed: false })).toEqual({ id: 'v', poll: 'p', status: 'counted' });
    expect(receiptFor('v', 'p', { status: 'duplicate' })).toEqual({ id: 'v', poll: 'p', status: 'duplicate' });
    expect(receiptFor('v', 'p', { status: 'rejected', reason: 'bad-id', detail: 'x' })).toEqual({ id: 'v', poll: 'p', status: 'rejected', reason: 'bad-id' });
  });

  it.each<[RejectReason, string, unknown]>([
    ['bad-type', 'rejected without reason', { id: 'v', poll: 'p', status: 'rejected' }],
    ['bad-type', 'rejected with an unknown reason', { id: 'v', poll: 'p', status: 'rejected', reason: 'because' }],
    ['bad-type', 'an unknown status', { id: 'v', poll: 'p', status: 'lost' }],
    ['missing-field', 'no poll', { id: 'v', status: 'counted' }],
    ['bad-id', 'a bad id', { id: 'v#', poll: 'p', status: 'counted' }],
  ])('rejects with %s: %s', (reason, _what, object) => {
    expect(decodeReceipt(json(object))).toMatchObject({ ok: false, reason });
  });
});

describe('decodeStatus', () => {
  it.each([
    ['online', 'online'],
    ['offline', 'offline'],
    [' online\n', 'online'],
  ] as const)('decodes %j', (text, value) => {
    expect(decodeStatus(text)).toEqual({ ok: true, value });
    expect(decodeStatus(encodeStatus(value))).toEqual({ ok: true, value });
  });

  it.each(['', 'ONLINE', 'on', '{"status":"online"}'])('rejects %j', (text) => {
    expect(decodeStatus(text)).toMatchObject({ ok: false, reason: 'bad-type' });
  });

  it('rejects oversized and non-UTF-8 payloads', () => {
    expect(decodeStatus('online'.padEnd(65, ' '))).toMatchObject({ ok: false, reason: 'too-large' });
    expect(decodeStatus(new Uint8Array([0xff]))).toMatchObject({ ok: false, reason: 'not-utf8' });
  });
});
