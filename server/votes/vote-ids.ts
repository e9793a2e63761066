import { decodeText, field, parseJsonObject } from '../../shared/codecs/payload.js';
import { receiptLevel } from '../../shared/codecs/receipt.js';
import { isValidId } from '../../shared/ids.js';

/**
 * The id and voter of a vote the codec refused, when the payload still carries
 * them readably: they let the server send a `rejected` receipt, so a device stops
 * re-sending a vote that can never count.
 */
export function idsOfRefusedVote(payload: Uint8Array, maxBytes: number): { id: string; voter: string; to: string } | null {
  const text = decodeText(payload, maxBytes);
  if (!text.ok) return null;
  const parsed = parseJsonObject(text.value.trim());
  if (!parsed.ok) return null;
  const id = field(parsed.value, 'id');
  const voter = field(parsed.value, 'voter');
  const reply = field(parsed.value, 'reply');
  if (!isValidId(id) || !isValidId(voter)) return null;
  return { id, voter, to: receiptLevel(isValidId(reply) ? { voter, reply } : { voter }) };
}
