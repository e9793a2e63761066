import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Vote } from '../../shared/codecs/vote.js';
import type { Policy, Poll } from '../../shared/poll.js';
import { type IdSet, type Outcome, type TallyState, applyVote, createTally, recordRejection, updatePoll } from '../../shared/tally.js';

const OPTIONS = ['A', 'B', 'C'] as const;
const POLICIES: readonly Policy[] = ['every-press', 'one-per-voter', 'last-wins'];

function makePoll(policy: Policy, state: Poll['state'] = 'open'): Poll {
  return { id: 'p1', question: 'Q?', options: OPTIONS.map((id) => ({ id, label: id })), policy, state, openedAt: 0 };
}
const vote = (id: string, voter: string, option: string, ts = 0): Vote => ({ id, voter, option, ts, source: 'test' });
const plain = (option: string): Vote => ({ id: null, voter: null, option, ts: 0, source: 'plain' });

/** An outcome as one short string: counted, unchanged, duplicate or rejected:<reason>. */
function label(outcome: Outcome): string {
  if (outcome.status === 'counted') return outcome.changed ? 'counted' : 'unchanged';
  return outcome.status === 'rejected' ? `rejected:${outcome.reason}` : 'duplicate';
}
const countsOf = (state: TallyState): Record<string, number> => ({ ...state.counts });
const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

describe('applyVote (table)', () => {
  const CASES: ReadonlyArray<[string, Policy, Vote[], string[], Record<string, number>]> = [
    ['every-press counts each id', 'every-press', [vote('a', 'u1', 'A'), vote('b', 'u1', 'A'), vote('c', 'u1', 'B')], ['counted', 'counted', 'counted'], { A: 2, B: 1, C: 0 }],
    ['one-per-voter rejects a second vote', 'one-per-voter', [vote('a', 'u1', 'A'), vote('b', 'u1', 'B'), vote('c', 'u2', 'B')], ['counted', 'rejected:already-voted', 'counted'], { A: 1, B: 1, C: 0 }],
    ['one-per-voter rejects a second vote for the same option', 'one-per-voter', [vote('a', 'u1', 'A'), vote('b', 'u1', 'A')], ['counted', 'rejected:already-voted'], { A: 1, B: 0, C: 0 }],
    ['one-per-voter: an unknown option does not use the vote', 'one-per-voter', [vote('a', 'u1', 'Z'), vote('b', 'u1', 'B')], ['rejected:unknown-option', 'counted'], { A: 0, B: 1, C: 0 }],
    ['last-wins moves the vote', 'last-wins', [vote('a', 'u1', 'A', 1), vote('b', 'u1', 'B', 2)], ['counted', 'counted'], { A: 0, B: 1, C: 0 }],
    // SPEC §5: voters' clocks are not trusted; the hub's arrival order (the order of
    // applyVote calls) decides, and every vote that counts enters the tally.
    ['last-wins: the last arrival wins, whatever its ts', 'last-wins', [vote('b', 'u1', 'B', 2), vote('a', 'u1', 'A', 1)], ['counted', 'counted'], { A: 1, B: 0, C: 0 }],
    ['last-wins: a ts of 1e308 does not pin the vote', 'last-wins', [vote('a', 'u1', 'A', 1e308), vote('b', 'u1', 'B', 1), vote('c', 'u1', 'C', 2 ** 70), vote('d', 'u1', 'B', 0)], ['counted', 'counted', 'counted', 'counted'], { A: 0, B: 1, C: 0 }],
    ['last-wins: equal ts, the later arrival wins', 'last-wins', [vote('b', 'u1', 'B', 5), vote('a', 'u1', 'A', 5)], ['counted', 'counted'], { A: 1, B: 0, C: 0 }],
    ['last-wins: a later vote for the same option changes nothing', 'last-wins', [vote('a', 'u1', 'A', 1), vote('b', 'u1', 'A', 2)], ['counted', 'unchanged'], { A: 1, B: 0, C: 0 }],
    ...POLICIES.map((policy): [string, Policy, Vote[], string[], Record<string, number>] => [
      `${policy}: a duplicate id changes nothing`, policy, [vote('a', 'u1', 'A', 1), vote('a', 'u2', 'B', 2), vote('a', 'u1', 'A', 1)], ['counted', 'duplicate', 'duplicate'], { A: 1, B: 0, C: 0 },
    ]),
    ...POLICIES.map((policy): [string, Policy, Vote[], string[], Record<string, number>] => [
      `${policy}: an unknown option is rejected`, policy, [vote('a', 'u1', 'Z'), plain('Z'), vote('a', 'u1', 'Z')], ['rejected:unknown-option', 'rejected:unknown-option', 'duplicate'], { A: 0, B: 0, C: 0 },
    ]),
    ...POLICIES.map((policy): [string, Policy, Vote[], string[], Record<string, number>] => [
      `${policy}: plain-text votes always count like presses`, policy, [plain('A'), plain('A'), vote('a', 'u1', 'B'), plain('B')], ['counted', 'counted', 'counted', 'counted'], { A: 2, B: 2, C: 0 },
    ]),
  ];

  it.each(CASES)('%s', (_name, policy, votes, outcomes, counts) => {
    const state = createTally(makePoll(policy));
    expect(votes.map((v) => label(applyVote(state, v)))).toEqual(outcomes);
    expect(countsOf(state)).toEqual(counts);
    expect(state.total).toBe(sum(Object.values(counts)));
    expect(state.rejected).toBe(outcomes.filter((o) => o.startsWith('rejected')).length);
  });

  it.each(POLICIES)('%s: a closed poll rejects with poll-closed, reopening counts again', (policy) => {
    const state = createTally(makePoll(policy, 'closed'));
    expect(applyVote(state, vote('a', 'u1', 'A'))).toMatchObject({ status: 'rejected', reason: 'poll-closed' });
    expect(label(applyVote(state, plain('A')))).toBe('rejected:poll-closed');
    expect(state.rejectedBy).toEqual({ 'poll-closed': 2 });
    const seq = state.seq;
    updatePoll(state, makePoll(policy, 'open'));
    expect(state.seq).toBeGreaterThan(seq);
    expect(label(applyVote(state, vote('b', 'u1', 'A')))).toBe('counted');
    // The id of a refused vote stays seen: a redelivery is a duplicate, not a second outcome.
    expect(label(applyVote(state, vote('a', 'u1', 'A')))).toBe('duplicate');
    updatePoll(state, makePoll(policy, 'closed'));
    expect(label(applyVote(state, vote('c', 'u2', 'B')))).toBe('rejected:poll-closed');
    expect(countsOf(state)).toEqual({ A: 1, B: 0, C: 0 });
    expect(state.rejected).toBe(3);
  });

  it('updatePoll keeps counts, adds new options and refuses another poll', () => {
    const state = createTally(makePoll('every-press'));
    applyVote(state, vote('a', 'u1', 'A'));
    updatePoll(state, { ...makePoll('every-press'), options: [{ id: 'A', label: 'A' }, { id: 'D', label: 'D' }] });
    expect(countsOf(state)).toEqual({ A: 1, B: 0, C: 0, D: 0 });
    expect(label(applyVote(state, vote('b', 'u1', 'B')))).toBe('rejected:unknown-option');
    expect(() => updatePoll(state, { ...makePoll('every-press'), id: 'other' })).toThrow(/other/);
  });

  it('recordRejection with an id counts once, without an id every time', () => {
    const state = createTally(makePoll('every-press'));
    expect(label(recordRejection(state, 'bad-json', 'x1'))).toBe('rejected:bad-json');
    expect(label(recordRejection(state, 'bad-json', 'x1'))).toBe('duplicate');
    expect(state.rejected).toBe(1);
    recordRejection(state, 'too-large');
    recordRejection(state, 'too-large');
    expect(state.rejected).toBe(3);
    expect(state.rejectedBy).toEqual({ 'bad-json': 1, 'too-large': 2 });
    expect(label(applyVote(state, vote('x1', 'u1', 'A')))).toBe('duplicate');
  });
});

// ---------------------------------------------------------------------------------
// Properties. Ids, voters and timestamps come from small pools so that duplicate ids,
// several votes of one voter and ts ties are frequent; `X` is an unknown option.

const jsonVoteArb: fc.Arbitrary<Vote> = fc.record({
  id: fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `v${i}`)),
  voter: fc.constantFrom('u0', 'u1', 'u2', 'u3'),
  option: fc.constantFrom(...OPTIONS, 'X'),
  ts: fc.integer({ min: 0, max: 4 }),
  source: fc.constant('test'),
});
const voteArb = fc.oneof({ weight: 8, arbitrary: jsonVoteArb }, { weight: 1, arbitrary: fc.constantFrom(...OPTIONS, 'X').map(plain) });
const votesArb = fc.array(voteArb, { maxLength: 40 });
const policyArb = fc.constantFrom(...POLICIES);
const valid = (v: Vote): boolean => (OPTIONS as readonly string[]).includes(v.option);

function run(policy: Policy, votes: readonly Vote[], seen?: IdSet): { state: TallyState; outcomes: Outcome[] } {
  const state = createTally(makePoll(policy), seen);
  return { state, outcomes: votes.map((v) => applyVote(state, v)) };
}

/** The votes the reducer may act on: the first vote of each id (plain votes all stay). */
function firstById(votes: readonly Vote[]): Vote[] {
  const ids = new Set<string>();
  return votes.filter((v) => v.id === null || (!ids.has(v.id) && (ids.add(v.id), true)));
}

/** Independent model of the counts, straight from the list. */
function model(policy: Policy, votes: readonly Vote[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(OPTIONS.map((o) => [o, 0]));
  const ballots = new Map<string, Vote>();
  for (const v of firstById(votes).filter(valid)) {
    if (policy === 'every-press' || v.voter === null || v.id === null) counts[v.option]! += 1;
    else {
      // last-wins: the last arrival; one-per-voter: the first. Never the voter's ts.
      if (!ballots.has(v.voter) || policy === 'last-wins') ballots.set(v.voter, v);
    }
  }
  for (const v of ballots.values()) counts[v.option]! += 1;
  return counts;
}

/** Two runs over `votes` and a permutation of it: [original, permuted]. */
const permuted = (arb: fc.Arbitrary<Vote[]>) =>
  arb.chain((vs) => fc.tuple(fc.constant(vs), fc.shuffledSubarray(vs, { minLength: vs.length, maxLength: vs.length })));

const summary = (state: TallyState) => ({ counts: countsOf(state), total: state.total, rejected: state.rejected, rejectedBy: { ...state.rejectedBy } });

/** Replaying already-applied votes changes nothing, each replay being a duplicate. */
function replayProperty(makeSeen: () => IdSet | undefined) {
  const arb = fc.tuple(policyArb, votesArb).chain(([policy, votes]) => {
    const withIds = votes.filter((v) => v.id !== null);
    return fc.tuple(fc.constant(policy), fc.constant(votes), fc.shuffledSubarray(withIds));
  });
  return fc.property(arb, ([policy, votes, replays]) => {
    const { state } = run(policy, votes, makeSeen());
    const before = { ...summary(state), seq: state.seq };
    const outcomes = replays.map((v) => label(applyVote(state, v)));
    expect(outcomes).toEqual(replays.map(() => 'duplicate'));
    expect({ ...summary(state), seq: state.seq }).toEqual(before);
  });
}

describe('tally properties', () => {
  it('every-press: counts do not depend on the order of distinct-id votes', () => {
    const distinct = votesArb.map((vs) => vs.map((v, i) => (v.id === null ? v : { ...v, id: `d${i}` })));
    fc.assert(
      fc.property(permuted(distinct), ([a, b]) => {
        expect(summary(run('every-press', b).state)).toEqual(summary(run('every-press', a).state));
        expect(countsOf(run('every-press', a).state)).toEqual(model('every-press', a));
      }),
    );
  });

  it('replaying any subset of applied votes, in any order, changes nothing', () => {
    fc.assert(replayProperty(() => undefined));
  });

  it('last-wins equals the model "last arrival per voter", and a counted receipt means the vote is the ballot', () => {
    fc.assert(
      fc.property(votesArb, (votes) => {
        const { state, outcomes } = run('last-wins', votes);
        expect(countsOf(state)).toEqual(model('last-wins', votes));
        // Replay it: right after each vote that was `counted`, it is its voter's ballot.
        const again = createTally(makePoll('last-wins'));
        votes.forEach((v) => {
          const outcome = applyVote(again, v);
          if (outcome.status === 'counted' && v.voter !== null && v.id !== null) expect(again.ballots.get(v.voter)?.id).toBe(v.id);
        });
        expect(outcomes.length).toBe(votes.length);
      }),
    );
  });

  it.each(POLICIES)('%s: no ts, however large, changes any outcome (voters\' clocks are not trusted)', (policy) => {
    const tsArb = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom(1e308, 2 ** 70, Number.MAX_SAFE_INTEGER, 0));
    fc.assert(
      fc.property(votesArb, fc.array(tsArb, { minLength: 40, maxLength: 40 }), (votes, stamps) => {
        const restamped = votes.map((v, i) => ({ ...v, ts: stamps[i] ?? 0 }));
        const a = run(policy, votes);
        const b = run(policy, restamped);
        expect(b.outcomes.map(label)).toEqual(a.outcomes.map(label));
        expect(summary(b.state)).toEqual(summary(a.state));
      }),
    );
  });

  it('one-per-voter equals the model "first arrival per voter"', () => {
    fc.assert(
      fc.property(votesArb, (votes) => {
        const { state, outcomes } = run('one-per-voter', votes);
        expect(countsOf(state)).toEqual(model('one-per-voter', votes));
        const voters = new Set(firstById(votes).filter((v) => valid(v) && v.voter !== null).map((v) => v.voter));
        expect(state.ballots.size).toBe(voters.size);
        const already = outcomes.filter((o) => o.status === 'rejected' && o.reason === 'already-voted').length;
        expect(already).toBe(firstById(votes).filter((v) => valid(v) && v.voter !== null).length - voters.size);
      }),
    );
  });

  it('total is the sum of counts, outcomes add up, counts never go negative', () => {
    const step = fc.oneof({ weight: 12, arbitrary: voteArb }, { weight: 1, arbitrary: fc.constantFrom('open', 'closed') as fc.Arbitrary<Poll['state']> });
    fc.assert(
      fc.property(policyArb, fc.array(step, { maxLength: 50 }), (policy, steps) => {
        const state = createTally(makePoll(policy));
        const outcomes: Outcome[] = [];
        for (const s of steps) {
          if (typeof s === 'string') updatePoll(state, makePoll(policy, s));
          else outcomes.push(applyVote(state, s));
          expect(state.total).toBe(sum(Object.values(state.counts)));
          for (const n of Object.values(state.counts)) expect(n).toBeGreaterThanOrEqual(0);
        }
        const by = (status: Outcome['status']) => outcomes.filter((o) => o.status === status).length;
        expect(by('counted') + by('rejected') + by('duplicate')).toBe(outcomes.length);
        expect(state.rejected).toBe(by('rejected'));
        expect(sum(Object.values(state.rejectedBy) as number[])).toBe(state.rejected);
        if (policy === 'every-press') expect(state.total).toBe(by('counted'));
        else expect(state.total).toBeLessThanOrEqual(by('counted'));
      }),
    );
  });

  it('the replay property catches a reducer that forgets seen ids', () => {
    const amnesiac = (): IdSet => ({ has: () => false, add: () => undefined });
    const result = fc.check(replayProperty(amnesiac), { seed: 42 });
    expect(result.failed).toBe(true);
    expect(result.counterexample).not.toBeNull();
  });

  it('the model catches a reducer with the wrong policy', () => {
    const result = fc.check(
      fc.property(votesArb, (votes) => {
        expect(countsOf(run('every-press', votes).state)).toEqual(model('last-wins', votes));
      }),
      { seed: 42 },
    );
    expect(result.failed).toBe(true);
  });
});
