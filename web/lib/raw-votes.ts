/**
 * Course compatibility: the original course's static vote page publishes a bare
 * option id (`IFT1215`) on a topic such as `test/phone`. With `?topic=test/phone`
 * (or the server's VOTE_TOPIC) the results page counts those votes itself, with
 * the same reducer as the server, whenever no tally snapshot is there to show.
 * The counts live in this page only: they start when it opens.
 */
import { decodeVote, resolvePosition } from '../../shared/codecs/vote.js';
import { isValidId } from '../../shared/ids.js';
import { MAX_OPTIONS, type Poll } from '../../shared/poll.js';
import { type TallyState, applyVote, createTally, recordRejection, updatePoll } from '../../shared/tally.js';

export interface RawSource {
  readonly topic: string;
  /** The options from `?options=`; null: every valid option id seen gets a bar. */
  readonly options: readonly string[] | null;
}

/** `?topic=` and `?options=` from the URL, else the server's VOTE_TOPIC, else none. */
export function rawSource(search: string, voteTopic: string | null): RawSource | null {
  const params = new URLSearchParams(search);
  const topic = params.get('topic') || voteTopic;
  if (!topic || /[+#]/.test(topic)) return null;
  const list = (params.get('options') ?? '')
    .split(',')
    .map((option) => option.trim())
    .filter((option) => isValidId(option));
  const options = [...new Set(list)].slice(0, MAX_OPTIONS);
  return { topic, options: options.length > 0 ? options : null };
}

export class RawCounter {
  readonly state: TallyState;
  private readonly fixed: boolean;

  constructor(readonly source: RawSource) {
    this.fixed = source.options !== null;
    const poll: Poll = {
      id: 'raw',
      question: source.topic,
      options: (source.options ?? []).map((id) => ({ id, label: id })),
      policy: 'every-press',
      state: 'open',
      openedAt: null,
    };
    this.state = createTally(poll);
  }

  /** Counts one message from the raw topic; `now` stands for the missing `ts`. */
  take(payload: Uint8Array, now: number): void {
    const decoded = decodeVote(payload, { receivedAt: now });
    if (!decoded.ok) {
      recordRejection(this.state, decoded.reason);
      return;
    }
    // A press by position counts for the option at that position of the bars so far.
    const vote = resolvePosition(decoded.value, this.state.poll);
    if (!vote.ok) {
      recordRejection(this.state, vote.reason);
      return;
    }
    const option = vote.value.option;
    const poll = this.state.poll;
    if (!this.fixed && !poll.options.some((o) => o.id === option) && poll.options.length < MAX_OPTIONS) {
      updatePoll(this.state, { ...poll, options: [...poll.options, { id: option, label: option }] });
    }
    applyVote(this.state, vote.value);
  }
}
