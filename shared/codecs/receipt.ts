import { idProblem } from '../ids.js';
import type { Outcome } from '../tally.js';
import { type Payload, decodeText, field, parseJsonObject } from './payload.js';
import { type Decoded, type RejectReason, accept, isRejectReason, reject } from './rejection.js';

export const RECEIPT_STATUSES = ['counted', 'duplicate', 'rejected'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/**
 * What the server says about one vote id on `<prefix>/receipts/<voter>`. Only a
 * receipt, never a broker's PUBACK, lets a voter forget a vote (SPEC §5).
 */
export interface Receipt {
  readonly id: string;
  readonly poll: string;
  readonly status: ReceiptStatus;
  readonly reason?: RejectReason;
  /**
   * True on the receipt of a copy the server had handled already. With `counted`
   * status never sent: a duplicate of a counted vote is `duplicate`; a duplicate of
   * a refused vote is `rejected` with the first copy's reason and `duplicate: true`
   * (docs/protocol.md), so a client that reads only `status` still tells the truth.
   */
  readonly duplicate?: true;
}

/**
 * The level of `<prefix>/receipts/<level>` a vote's receipt goes to: the `reply`
 * the vote names (its sender's MQTT client id), else its voter (older clients).
 * Either way only the client whose id is that level may read it (SPEC §8).
 */
export function receiptLevel(vote: { readonly voter: string; readonly reply?: string | undefined }): string {
  return vote.reply ?? vote.voter;
}

export function receiptFor(id: string, poll: string, outcome: Outcome): Receipt {
  if (outcome.status === 'rejected') return { id, poll, status: 'rejected', reason: outcome.reason };
  // A copy of a refused vote is still refused: saying "duplicate" would read as "counted before".
  if (outcome.status === 'duplicate' && outcome.refused !== undefined) return { id, poll, status: 'rejected', reason: outcome.refused, duplicate: true };
  return { id, poll, status: outcome.status };
}

export function encodeReceipt(receipt: Receipt): string {
  return JSON.stringify(receipt);
}

export function decodeReceipt(payload: Payload): Decoded<Receipt> {
  const text = decodeText(payload);
  if (!text.ok) return text;
  const parsed = parseJsonObject(text.value);
  if (!parsed.ok) return parsed;
  const id = field(parsed.value, 'id');
  const poll = field(parsed.value, 'poll');
  const status = field(parsed.value, 'status');
  const reason = field(parsed.value, 'reason');
  const duplicate = field(parsed.value, 'duplicate') === true ? ({ duplicate: true } as const) : {};
  if (id === undefined || status === undefined || poll === undefined) {
    return reject('missing-field', 'a receipt needs id, poll and status');
  }
  if (idProblem(id) !== null || idProblem(poll) !== null) return reject('bad-id', 'receipt id or poll is not a valid id');
  if (typeof status !== 'string' || !(RECEIPT_STATUSES as readonly string[]).includes(status)) {
    return reject('bad-type', 'status must be counted, duplicate or rejected');
  }
  if (status === 'rejected') {
    if (!isRejectReason(reason)) return reject('bad-type', 'a rejected receipt needs a known reason');
    return accept({ id: id as string, poll: poll as string, status, reason, ...duplicate });
  }
  return accept({ id: id as string, poll: poll as string, status: status as ReceiptStatus });
}
