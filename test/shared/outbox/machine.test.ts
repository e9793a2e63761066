import { describe, expect, it } from 'vitest';
import { type OutboxNotice, OutboxMachine, type OutboxRules } from '../../../shared/outbox/machine.js';
import { MemoryOutboxStore } from '../../../shared/outbox/memory-store.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';

interface Entry {
  readonly id: string;
  readonly createdAt: number;
}

/** One step and what it must give; `ids` are the vote ids the step returns, in order. */
type Step =
  | { add: string[]; accepted?: boolean[] }
  | { due: string[] }
  | { send: string[] }
  | { sendDue: string[]; offlineAfter?: number; result?: { sent: number; resent: number } }
  | { wait: number }
  | { settle: string; gives: string | null }
  | { reset: true }
  | { expire: string[] }
  | { notices: OutboxNotice[] }
  | { sends: string; are: number };

const START = 1_000_000;

function run(rules: OutboxRules, steps: readonly Step[]): void {
  const scheduler = new ManualScheduler(START);
  const notices: OutboxNotice[] = [];
  const outbox = new OutboxMachine<Entry>({ ...rules, store: new MemoryOutboxStore<Entry>(), clock: scheduler, onNotice: (n) => notices.push(n) });
  steps.forEach((step, index) => {
    const at = `step ${index + 1}: ${JSON.stringify(step)}`;
    if ('add' in step) {
      const accepted = step.add.map((id) => outbox.add({ id, createdAt: scheduler.now() }));
      expect(accepted, at).toEqual(step.accepted ?? step.add.map(() => true));
    } else if ('due' in step) expect(outbox.due().map((e) => e.id), at).toEqual(step.due);
    else if ('send' in step) for (const id of step.send) outbox.markSent(id);
    else if ('sendDue' in step) {
      const out: string[] = [];
      const result = outbox.sendDue((entry) => {
        if (step.offlineAfter !== undefined && out.length >= step.offlineAfter) return false;
        out.push(entry.id);
        return true;
      });
      expect(out, at).toEqual(step.sendDue);
      if (step.result) expect(result, at).toEqual(step.result);
    } else if ('wait' in step) scheduler.advance(step.wait);
    else if ('settle' in step) expect(outbox.settle(step.settle)?.id ?? null, at).toBe(step.gives);
    else if ('reset' in step) outbox.reset();
    else if ('expire' in step) expect(outbox.expire().map((e) => e.id), at).toEqual(step.expire);
    else if ('notices' in step) expect(notices.splice(0), at).toEqual(step.notices);
    else expect(outbox.sends(step.sends), at).toBe(step.are);
  });
}

const cases: [string, OutboxRules, Step[]][] = [
  ['a vote never sent is due, oldest first', { resendAfterMs: 1_000 }, [{ due: [] }, { add: ['a', 'b', 'c'] }, { due: ['a', 'b', 'c'] }]],
  [
    'a sent vote is due again once resendAfterMs has passed, not before',
    { resendAfterMs: 1_000 },
    [{ add: ['a', 'b'] }, { send: ['a'] }, { wait: 200 }, { send: ['b'] }, { wait: 799 }, { due: [] }, { wait: 1 }, { due: ['a'] }, { wait: 200 }, { due: ['a', 'b'] }],
  ],
  [
    'only the maxInFlight oldest are in flight; a receipt lets the next one in',
    { resendAfterMs: 1_000, maxInFlight: 3 },
    [{ add: ['a', 'b', 'c', 'd', 'e'] }, { sendDue: ['a', 'b', 'c'] }, { due: [] }, { settle: 'b', gives: 'b' }, { sendDue: ['d'] }, { wait: 1_000 }, { due: ['a', 'c', 'd'] }],
  ],
  [
    'a receipt settles its vote once, whatever was sent; an unknown id gives null',
    { resendAfterMs: 1_000 },
    [{ add: ['a', 'b'] }, { settle: 'a', gives: 'a' }, { settle: 'a', gives: null }, { settle: 'zzz', gives: null }, { due: ['b'] }],
  ],
  [
    'a clean session makes every vote due again at once (not a timeout re-send: no notice); sends keep counting',
    { resendAfterMs: 10_000 },
    [
      { add: ['a', 'b'] },
      { sendDue: ['a', 'b'] },
      { due: [] },
      { reset: true },
      { due: ['a', 'b'] },
      { sendDue: ['a', 'b'], result: { sent: 2, resent: 0 } },
      { sends: 'a', are: 2 },
      { notices: [] },
    ],
  ],
  [
    'sending stops at the first vote that cannot go out (offline), the rest stay due',
    { resendAfterMs: 1_000 },
    [{ add: ['a', 'b', 'c'] }, { sendDue: ['a'], offlineAfter: 1, result: { sent: 1, resent: 0 } }, { due: ['b', 'c'] }, { sends: 'b', are: 0 }],
  ],
  [
    're-sends are told once, until a receipt arrives',
    { resendAfterMs: 1_000 },
    [
      { add: ['a', 'b'] },
      { sendDue: ['a', 'b'] },
      { wait: 1_000 },
      { sendDue: ['a', 'b'], result: { sent: 2, resent: 2 } },
      { wait: 1_000 },
      { sendDue: ['a', 'b'] },
      { notices: [{ kind: 'resending', count: 2, afterMs: 1_000 }] },
      { settle: 'a', gives: 'a' },
      { notices: [{ kind: 'receipts-again' }] },
      { settle: 'b', gives: 'b' },
      { notices: [] },
    ],
  ],
  [
    'a full outbox refuses votes, says so once, and says when there is room again',
    { resendAfterMs: 1_000, maxEntries: 5 },
    [
      { add: ['a', 'b', 'c'] },
      { notices: [] },
      { add: ['d'] },
      { notices: [{ kind: 'nearly-full', size: 4, capacity: 5 }] },
      { add: ['e', 'f', 'g'], accepted: [true, false, false] },
      { notices: [{ kind: 'full', size: 5 }] },
      { settle: 'a', gives: 'a' },
      { notices: [{ kind: 'room-again', refused: 2 }] },
      { add: ['h'] },
      { due: ['b', 'c', 'd', 'e', 'h'] },
      { notices: [] },
    ],
  ],
  [
    'the 80% notice comes back only after the outbox fell under half',
    { resendAfterMs: 1_000, maxEntries: 5 },
    [
      { add: ['a', 'b', 'c', 'd'] },
      { notices: [{ kind: 'nearly-full', size: 4, capacity: 5 }] },
      { settle: 'a', gives: 'a' },
      { add: ['e'] },
      { notices: [] },
      { settle: 'b', gives: 'b' },
      { settle: 'c', gives: 'c' },
      { settle: 'd', gives: 'd' },
      { add: ['f', 'g', 'h'] },
      { notices: [{ kind: 'nearly-full', size: 4, capacity: 5 }] },
    ],
  ],
  [
    'expiry drops the votes older than maxAgeMs and reports them',
    { resendAfterMs: 1_000, maxAgeMs: 60_000 },
    [
      { add: ['old'] },
      { send: ['old'] },
      { wait: 30_000 },
      { add: ['new'] },
      { wait: 30_000 },
      { expire: [] },
      { wait: 1 },
      { expire: ['old'] },
      { notices: [{ kind: 'expired', ids: ['old'] }] },
      { due: ['new'] },
      { sends: 'old', are: 0 },
    ],
  ],
  ['without maxAgeMs nothing expires', { resendAfterMs: 1_000 }, [{ add: ['a'] }, { wait: 365 * 86_400_000 }, { expire: [] }, { due: ['a'] }]],
];

describe('the voter outbox machine', () => {
  it.each(cases)('%s', (_name, rules, steps) => run(rules, steps));

  it('passes a store error through, and counts nothing for it', () => {
    const store = new MemoryOutboxStore<Entry>();
    const outbox = new OutboxMachine<Entry>({ store, clock: new ManualScheduler(), resendAfterMs: 1_000 });
    outbox.add({ id: 'a', createdAt: 0 });
    expect(() => outbox.add({ id: 'a', createdAt: 0 })).toThrow(/already holds a vote/);
    expect(outbox.size).toBe(1);
  });

  it('tells the attempt number to the sender (1: the first send)', () => {
    const scheduler = new ManualScheduler();
    const outbox = new OutboxMachine<Entry>({ store: new MemoryOutboxStore<Entry>(), clock: scheduler, resendAfterMs: 100 });
    outbox.add({ id: 'a', createdAt: 0 });
    const attempts: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      outbox.sendDue((_e, attempt) => attempts.push(attempt) > 0);
      scheduler.advance(100);
    }
    expect(attempts).toEqual([1, 2, 3]);
  });
});
