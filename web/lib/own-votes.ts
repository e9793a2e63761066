/**
 * What the vote page knows of its own counted votes, and nothing of anyone else's:
 * per poll (and opening), the option of this phone's last vote that a `counted`
 * receipt confirmed. Once the teacher reveals the answer, the page says whether
 * that vote was right (SPEC §5). Kept in localStorage, so a reload still knows.
 */
import { type Poll, verdictOf } from '../../shared/poll.js';
import { el, setText } from './dom.js';
import type { Translator } from './i18n.js';
import type { StorageLike } from './outbox.js';

/** One counted vote of this phone. */
export interface OwnVote {
  readonly option: string;
  readonly label: string;
  /** The poll's `openedAt` when it counted: a vote of an earlier opening is not this one's. */
  readonly openedAt: number | null;
}

const KEY = 'mqtt-classroom.counted';
/** The polls remembered; older ones are forgotten first. */
const KEEP = 50;

export class OwnVotes {
  private readonly votes = new Map<string, OwnVote>();

  constructor(private readonly storage: StorageLike | null) {
    try {
      const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '[]');
      if (Array.isArray(parsed)) for (const item of parsed) if (isEntry(item)) this.votes.set(item[0], item[1]);
    } catch {
      // nothing remembered
    }
  }

  /** A `counted` (or counted-before `duplicate`) receipt for a vote of ours. */
  record(pollId: string, vote: OwnVote): void {
    this.votes.delete(pollId);
    this.votes.set(pollId, vote);
    while (this.votes.size > KEEP) this.votes.delete(this.votes.keys().next().value as string);
    try {
      this.storage?.setItem(KEY, JSON.stringify([...this.votes]));
    } catch {
      // kept for this visit
    }
  }

  /** This phone's counted vote in the current opening of `poll`, if any. */
  of(poll: Poll): OwnVote | null {
    const vote = this.votes.get(poll.id);
    return vote !== undefined && vote.openedAt === poll.openedAt ? vote : null;
  }
}

function isEntry(value: unknown): value is [string, OwnVote] {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string') return false;
  const vote = value[1] as Partial<OwnVote> | null;
  return vote !== null && typeof vote === 'object' && typeof vote.option === 'string' && typeof vote.label === 'string' && (vote.openedAt === null || typeof vote.openedAt === 'number');
}

export function verdictLine(): HTMLElement {
  return el('p', { class: 'verdict', attrs: { role: 'status', 'aria-live': 'polite' } });
}

/** "Bonne réponse" / "Mauvaise réponse" for this phone's own counted vote once revealed; the answer alone when it did not vote. */
export function showVerdict(line: HTMLElement, poll: Poll | null, own: OwnVotes, tr: Translator): void {
  const answer = poll?.correct === undefined ? undefined : poll.options.find((o) => o.id === poll.correct);
  const mine = poll === null || answer === undefined ? null : own.of(poll);
  const verdict = poll === null || mine === null ? null : verdictOf(poll, mine.option);
  let text = '';
  if (answer !== undefined) {
    if (verdict === 'right') text = tr.t('vote.right', { option: mine?.label ?? '' });
    else if (verdict === 'wrong') text = tr.t('vote.wrong', { mine: mine?.label ?? '', option: answer.label });
    else text = tr.t('vote.answer', { option: answer.label });
  }
  setText(line, text);
  line.hidden = text === '';
  const kind = verdict ?? (answer === undefined ? 'none' : 'answer');
  if (line.className !== `verdict verdict--${kind}`) line.className = `verdict verdict--${kind}`;
}
