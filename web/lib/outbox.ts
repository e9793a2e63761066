/**
 * The vote page's outbox (SPEC §5): a vote stays here, in localStorage so a reload
 * keeps it, until the server's receipt for its id arrives. A vote with no receipt
 * is sent again with the same id after a timeout and after every reconnect; the
 * server deduplicates on the id, so a re-send never counts twice.
 */
import type { Receipt } from '../../shared/codecs/receipt.js';
import type { JsonVote } from '../../shared/codecs/vote.js';
import { isValidId } from '../../shared/ids.js';

export interface PendingVote {
  readonly vote: JsonVote;
  readonly pollId: string;
  /** The option's label when it was chosen, to say what was received. */
  readonly label: string;
  /** Epoch ms of the last send; null: not sent yet (no connection). */
  sentAt: number | null;
  sends: number;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** A vote older than this with still no receipt is dropped (its poll is long gone). */
export const MAX_PENDING_AGE_MS = 24 * 60 * 60 * 1000;

export class VoteOutbox {
  private readonly entries = new Map<string, PendingVote>();

  constructor(
    private readonly storage: StorageLike | null,
    private readonly key: string,
  ) {
    for (const entry of this.load()) this.entries.set(entry.vote.id, entry);
  }

  add(vote: JsonVote, pollId: string, label: string): PendingVote {
    const entry: PendingVote = { vote, pollId, label, sentAt: null, sends: 0 };
    this.entries.set(vote.id, entry);
    this.save();
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Oldest first. */
  all(): PendingVote[] {
    return [...this.entries.values()];
  }

  /** Never sent, or sent `resendMs` ago or more without a receipt. */
  due(now: number, resendMs: number): PendingVote[] {
    return this.all().filter((entry) => entry.sentAt === null || now - entry.sentAt >= resendMs);
  }

  markSent(id: string, now: number): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    entry.sentAt = now;
    entry.sends += 1;
    this.save();
  }

  /** The receipt settles its vote: returns it (and forgets it), or null if unknown. */
  settle(receipt: Receipt): PendingVote | null {
    const entry = this.entries.get(receipt.id);
    if (entry === undefined) return null;
    this.entries.delete(receipt.id);
    this.save();
    return entry;
  }

  /** Drops votes older than `MAX_PENDING_AGE_MS` by their own timestamp. */
  expire(now: number): void {
    let changed = false;
    for (const [id, entry] of this.entries) {
      if (now - entry.vote.ts > MAX_PENDING_AGE_MS) changed = this.entries.delete(id);
    }
    if (changed) this.save();
  }

  private load(): PendingVote[] {
    try {
      const parsed: unknown = JSON.parse(this.storage?.getItem(this.key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isPendingVote) : [];
    } catch {
      return [];
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify(this.all()));
    } catch {
      // Storage full or refused (private mode): the outbox still works in memory.
    }
  }
}

function isPendingVote(value: unknown): value is PendingVote {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as Partial<PendingVote>;
  const vote = entry.vote;
  return (
    vote !== undefined &&
    isValidId(vote.id) &&
    isValidId(vote.option) &&
    isValidId(vote.voter) &&
    typeof vote.ts === 'number' &&
    typeof vote.source === 'string' &&
    isValidId(entry.pollId) &&
    typeof entry.label === 'string' &&
    (entry.sentAt === null || typeof entry.sentAt === 'number') &&
    typeof entry.sends === 'number'
  );
}

const VOTER_KEY = 'mqtt-classroom.voter';

/** This browser's voter id, made once and kept in localStorage. */
export function voterId(storage: StorageLike | null, make: () => string): string {
  try {
    const existing = storage?.getItem(VOTER_KEY) ?? null;
    if (existing !== null && isValidId(existing)) return existing;
  } catch {
    // fall through: a new id for this visit
  }
  const id = make();
  try {
    storage?.setItem(VOTER_KEY, id);
  } catch {
    // kept for this visit only
  }
  return id;
}

/** Unique per vote, valid in a topic level: voter, time, randomness. */
export function voteId(voter: string, now: number, random: string): string {
  return `${voter}.${now.toString(36)}.${random}`.slice(-64);
}
