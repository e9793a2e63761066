import { type TallySnapshot, snapshotOf } from '../../shared/codecs/tally.js';
import type { Poll } from '../../shared/poll.js';
import type { PollStore } from '../store/poll-store.js';
import { replayRound } from '../tally/replay.js';

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Which rounds to export: the current one, all of them, or one by number. */
export type RoundChoice = 'current' | 'all' | number;

export interface RoundResult {
  readonly round: number;
  readonly startedAt: number;
  /** When a reset archived it; null for the current round. */
  readonly archivedAt: number | null;
  readonly tally: TallySnapshot;
}

/**
 * The results of a poll's rounds, each recounted from the stored votes by the
 * shared reducer (archived rounds have no live tally).
 */
export function roundResults(store: PollStore, poll: Poll, currentRound: number, choice: RoundChoice, now: number): RoundResult[] {
  const rounds = store.rounds(poll.id).filter((r) => (choice === 'all' ? true : r.round === (choice === 'current' ? currentRound : choice)));
  return rounds.map((r) => {
    const { tally } = replayRound(poll, store.roundVotes(poll.id, r.round), store.roundRejections(poll.id, r.round));
    return { round: r.round, startedAt: r.startedAt, archivedAt: r.archivedAt, tally: snapshotOf(tally, now) };
  });
}

/** One line per option and round, ready for a spreadsheet. */
export function resultsCsv(poll: Poll, results: readonly RoundResult[]): string {
  const lines = [['poll', 'question', 'round', 'started_at', 'archived_at', 'option', 'label', 'votes'].join(',')];
  for (const result of results) {
    for (const option of poll.options) {
      lines.push(
        [
          poll.id,
          poll.question,
          String(result.round),
          new Date(result.startedAt).toISOString(),
          result.archivedAt === null ? '' : new Date(result.archivedAt).toISOString(),
          option.id,
          option.label,
          String(result.tally.counts[option.id] ?? 0),
        ]
          .map(csvField)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function resultsJson(poll: Poll, results: readonly RoundResult[]): unknown {
  return {
    poll,
    rounds: results.map((r) => ({
      round: r.round,
      startedAt: r.startedAt,
      archivedAt: r.archivedAt,
      counts: r.tally.counts,
      total: r.tally.total,
      rejected: r.tally.rejected,
      rejectedBy: r.tally.rejectedBy,
    })),
  };
}

function csvField(value: string): string {
  // A cell starting with = + - @ is a formula to a spreadsheet: keep it text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
