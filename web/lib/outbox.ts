/**
 * The vote page's outbox store (shared/outbox/store.ts): a vote stays in
 * localStorage, so a reload keeps it, until the server's receipt for its id
 * arrives. The rules (due, re-send, expiry) are the shared OutboxMachine's; the
 * page drives it in web/pages/vote.ts.
 */
import type { JsonVote } from '../../shared/codecs/vote.js';
import { isValidId } from '../../shared/ids.js';
import { OutboxIdTakenError } from '../../shared/outbox/errors.js';
import type { OutboxStore } from '../../shared/outbox/store.js';

export interface PendingVote {
  /** The vote's own id and time, as the outbox reads them. */
  readonly id: string;
  readonly createdAt: number;
  readonly vote: JsonVote;
  readonly pollId: string;
  /** The option's label when it was chosen, to say what was received. */
  readonly label: string;
}

export function pendingVote(vote: JsonVote, pollId: string, label: string): PendingVote {
  return { id: vote.id, createdAt: vote.ts, vote, pollId, label };
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** A vote older than this with still no receipt is dropped (its poll is long gone). */
export const MAX_PENDING_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * The votes as one JSON array under `key`, rewritten on every change (a phone holds
 * a handful). Stored as `{ vote, pollId, label }`, the shape earlier versions wrote
 * (they also wrote `sentAt` and `sends`, which are ignored: a reloaded page sends
 * every waiting vote again on connect). Without storage, or when it refuses to
 * write (private mode, full), the votes are kept in memory for this visit.
 */
export class LocalStorageOutboxStore implements OutboxStore<PendingVote> {
  private readonly entries = new Map<string, PendingVote>();

  constructor(
    private readonly storage: StorageLike | null,
    private readonly key: string,
  ) {
    for (const entry of this.load()) this.entries.set(entry.id, entry);
  }

  get size(): number {
    return this.entries.size;
  }

  add(entry: PendingVote): void {
    if (this.entries.has(entry.id)) throw new OutboxIdTakenError(entry.id);
    this.entries.set(entry.id, entry);
    this.save();
  }

  remove(id: string): PendingVote | null {
    const entry = this.entries.get(id);
    if (entry === undefined) return null;
    this.entries.delete(id);
    this.save();
    return entry;
  }

  oldest(limit: number): PendingVote[] {
    return [...this.entries.values()].slice(0, limit);
  }

  /** setItem is synchronous: what was added is stored already. */
  whenStored(fn: () => void): void {
    fn();
  }

  private load(): PendingVote[] {
    try {
      const parsed: unknown = JSON.parse(this.storage?.getItem(this.key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isStoredVote).map((e) => pendingVote(e.vote, e.pollId, e.label)) : [];
    } catch {
      return [];
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify([...this.entries.values()].map(({ vote, pollId, label }) => ({ vote, pollId, label }))));
    } catch {
      // Storage full or refused (private mode): the outbox still works in memory.
    }
  }
}

type StoredVote = Pick<PendingVote, 'vote' | 'pollId' | 'label'>;

function isStoredVote(value: unknown): value is StoredVote {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as Partial<StoredVote>;
  const vote = entry.vote;
  return (
    vote !== undefined &&
    isValidId(vote.id) &&
    isValidId(vote.option) &&
    isValidId(vote.voter) &&
    typeof vote.ts === 'number' &&
    typeof vote.source === 'string' &&
    isValidId(entry.pollId) &&
    typeof entry.label === 'string'
  );
}

/**
 * Where this browser's voter secret is kept. Not `mqtt-classroom.voter`, the key of
 * earlier versions: those ids were printed on the page and readable on
 * `receipts/+`, so they are not reused.
 */
const VOTER_KEY = 'mqtt-classroom.voter-secret';

/**
 * This browser's voter id, made once and kept in localStorage. It is a secret
 * (docs/protocol.md, "Voter privacy"): it travels only in votes, which only the
 * server may read, and is never shown, put in a topic, or in a vote id.
 */
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

/**
 * Unique per vote, valid in a topic level: time and randomness, never the voter
 * (a vote id is echoed in receipts; the voter must not be derivable from it).
 */
export function voteId(now: number, random: string): string {
  return `${now.toString(36)}.${random}`.slice(-64);
}
