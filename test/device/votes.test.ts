import { describe, expect, it } from 'vitest';
import type { NewEntry } from '../../device/outbox/sqlite-store.js';
import type { TargetPoll } from '../../device/poll-tracker.js';
import { VoteMaker } from '../../device/votes.js';
import { decodeVote } from '../../shared/codecs/vote.js';
import { createTopics } from '../../shared/topics.js';
import { captureLogger } from './helpers/logs.js';

function maker(poll: TargetPoll | null, add: (entry: NewEntry) => boolean) {
  const log = captureLogger();
  let queued = 0;
  let n = 0;
  const votes = new VoteMaker({
    voter: 'dev-secret-1',
    reply: 'mqtt-classroom-device-box-1',
    topics: createTopics({ prefix: 'salle' }),
    outbox: { add, whenStored: (fn: () => void) => fn() },
    polls: { current: () => poll },
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

  it('sends an option id as is, even when the poll is not known yet (the server decides)', () => {
    const stored: NewEntry[] = [];
    const { votes } = maker({ id: 'cours', options: null }, (e) => stored.push(e) > 0);
    expect(votes.vote('1', { vote: 'IFT1065' }, 'keyboard')).toBe('queued');
    expect(JSON.parse(stored[0]?.payload ?? '{}')).toMatchObject({ option: 'IFT1065', source: 'keyboard' });
  });

  it('makes no vote without an open poll, or for a position the poll does not have, and says why', () => {
    const none = maker(null, () => true);
    expect(none.votes.vote('1', { vote: 1 }, 'button')).toBe('no-poll');
    expect(none.log.text()).toContain('no poll is open');
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
