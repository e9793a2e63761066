import { describe, expect, it } from 'vitest';
import type { NewEntry } from '../../device/outbox/sqlite-store.js';
import type { TargetPoll } from '../../device/poll-tracker.js';
import { VoteMaker } from '../../device/votes.js';
import { decodeVote } from '../../shared/codecs/vote.js';
import { createTopics } from '../../shared/topics.js';
import { captureLogger } from './helpers/logs.js';

function maker(poll: TargetPoll | null, add: (entry: NewEntry) => boolean, fixedPollId: string | null = null) {
  const log = captureLogger();
  let queued = 0;
  let n = 0;
  const votes = new VoteMaker({
    voter: 'dev-secret-1',
    reply: 'mqtt-classroom-device-box-1',
    topics: createTopics({ prefix: 'salle' }),
    outbox: { add, whenStored: (fn: () => void) => fn() },
    polls: { known: () => poll },
    fixedPollId,
    clock: { now: () => 1_764_160_000_000 },
    logger: log.logger,
    onQueued: () => (queued += 1),
    newId: () => `id-${(n += 1)}`,
  });
  return { votes, log, queued: () => queued };
}

const cours: TargetPoll = { id: 'cours', options: [{ id: 'IFT1215', label: 'IFT1215' }, { id: 'MAT1400', label: 'MAT1400' }] };

describe('VoteMaker', () => {
  it('stores a SPEC §4 vote for the option at the button position, on the poll topic, then asks to send', () => {
    const stored: NewEntry[] = [];
    const { votes, queued } = maker(cours, (e) => stored.push(e) > 0);
    expect(votes.vote('rouge', { vote: 2 }, 'button')).toBe('queued');
    expect(queued()).toBe(1);
    expect(stored[0]).toMatchObject({ id: 'id-1', topic: 'salle/votes/cours', button: 'rouge' });
    const decoded = decodeVote(stored[0]?.payload ?? '', { receivedAt: 0 });
    expect(decoded).toEqual({ ok: true, value: { id: 'id-1', option: 'MAT1400', voter: 'dev-secret-1', source: 'button', ts: 1_764_160_000_000, reply: 'mqtt-classroom-device-box-1' } });
  });

  it('a press the device cannot resolve is stored all the same, for the hub to resolve (SPEC §5, issue 14 item 1)', () => {
    const stored: NewEntry[] = [];
    // Follows the open poll, which it has not seen (fresh start, broker down): by position and by id.
    const fresh = maker(null, (e) => stored.push(e) > 0);
    expect(fresh.votes.vote('rouge', { vote: 1 }, 'button')).toBe('queued');
    expect(fresh.votes.vote('vert', { vote: 'IFT1065' }, 'button')).toBe('queued');
    expect(stored.map((e) => e.topic)).toEqual(['salle/votes/@open', 'salle/votes/@open']);
    expect(decodeVote(stored[0]?.payload ?? '', { receivedAt: 0 })).toEqual({
      ok: true,
      value: { id: 'id-1', position: 1, voter: 'dev-secret-1', source: 'button', ts: 1_764_160_000_000, reply: 'mqtt-classroom-device-box-1' },
    });
    expect(JSON.parse(stored[1]?.payload ?? '{}')).toMatchObject({ option: 'IFT1065' });
    expect(fresh.log.text()).toContain('button rouge → vote #1 on poll @open');
    expect(fresh.log.text()).not.toContain('not a vote');
    // A fixed poll whose options it never saw: the position goes to that poll.
    const fixed = maker(null, (e) => stored.push(e) > 0, 'cours');
    expect(fixed.votes.vote('1', { vote: 2 }, 'keyboard')).toBe('queued');
    expect(stored[2]).toMatchObject({ topic: 'salle/votes/cours' });
    expect(JSON.parse(stored[2]?.payload ?? '{}')).toMatchObject({ position: 2, source: 'keyboard' });
  });

  it('makes no vote for a position the known poll does not have, and says why', () => {
    const short = maker(cours, () => true);
    expect(short.votes.vote('3', { vote: 3 }, 'button')).toBe('no-such-option');
    expect(short.log.text()).toContain('option 3 does not exist in poll cours (it has 2 options)');
    expect(short.queued()).toBe(0);
  });

  it('reports a full outbox, and a store that fails without throwing into the input', () => {
    expect(maker(cours, () => false).votes.vote('1', { vote: 1 }, 'button')).toBe('outbox-full');
    const broken = maker(cours, () => {
      throw new Error('disk full');
    });
    expect(broken.votes.vote('1', { vote: 1 }, 'button')).toBe('not-stored');
    expect(broken.log.text()).toContain('could not be stored, so it is not sent: disk full');
    expect(broken.queued()).toBe(0);
  });
});
