/** How a poll counts the votes of one voter (SPEC §5). */
export const POLICIES = ['one-per-voter', 'last-wins', 'every-press'] as const;
export type Policy = (typeof POLICIES)[number];

export const POLL_STATES = ['open', 'closed'] as const;
export type PollState = (typeof POLL_STATES)[number];

export interface PollOption {
  readonly id: string;
  readonly label: string;
}

export interface Poll {
  readonly id: string;
  readonly question: string;
  readonly options: readonly PollOption[];
  readonly policy: Policy;
  readonly state: PollState;
  /** Epoch milliseconds of the last opening, null when never opened. */
  readonly openedAt: number | null;
  /**
   * True while the teacher hides the results: the retained tally then carries the
   * total only, no counts (SPEC §5). Absent means live results.
   */
  readonly hidden?: boolean;
  /**
   * Hub time (epoch ms) at which the hub closes this open poll (a countdown);
   * absent when none. Pages show `deadline - hub now`, whatever their own clock.
   */
  readonly deadline?: number;
  /**
   * The correct option's id, present only once the teacher revealed it (SPEC §5).
   * The hub keeps the answer key elsewhere until then: no topic students can read
   * carries it before the reveal. Older pages ignore the field.
   */
  readonly correct?: string;
}

export const MAX_QUESTION_LENGTH = 280;
export const MAX_LABEL_LENGTH = 120;
export const MAX_OPTIONS = 26;

export function isPolicy(value: unknown): value is Policy {
  return typeof value === 'string' && (POLICIES as readonly string[]).includes(value);
}

/**
 * The poll level of `<prefix>/votes/@open`: a press for "the poll that was open
 * when it was pressed", which the hub resolves (docs/protocol.md). Poll ids
 * starting with `@` are reserved for such words.
 */
export const OPEN_POLL_ID = '@open';

/** The id of the option at `position` (1..N), null when the poll has fewer options. */
export function optionAt(poll: Poll, position: number): string | null {
  return poll.options[position - 1]?.id ?? null;
}

/**
 * Whether a vote for `optionId` was right, once `poll` carries its revealed answer:
 * null before the reveal (or for a poll with no correct answer).
 */
export function verdictOf(poll: Poll, optionId: string): 'right' | 'wrong' | null {
  if (poll.correct === undefined) return null;
  return poll.correct === optionId ? 'right' : 'wrong';
}

/** The 1-based positions of the revealed correct option (for buttons that vote by position); empty before the reveal. */
export function correctPosition(poll: Poll): number | null {
  if (poll.correct === undefined) return null;
  const index = poll.options.findIndex((o) => o.id === poll.correct);
  return index < 0 ? null : index + 1;
}

export function hasOption(poll: Poll, optionId: string): boolean {
  return poll.options.some((option) => option.id === optionId);
}

/** The course's sample poll: the four course codes of the original material. */
export function samplePoll(id = 'cours'): Poll {
  return {
    id,
    question: 'Quel cours préférez-vous ?',
    options: [
      { id: 'IFT1215', label: 'IFT1215' },
      { id: 'MAT1400', label: 'MAT1400' },
      { id: 'IFT1065', label: 'IFT1065' },
      { id: 'MAT1600', label: 'MAT1600' },
    ],
    policy: 'every-press',
    state: 'closed',
    openedAt: null,
  };
}
