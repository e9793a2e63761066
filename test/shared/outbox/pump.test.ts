import { describe, expect, it } from 'vitest';
import { OutboxMachine } from '../../../shared/outbox/machine.js';
import { MemoryOutboxStore } from '../../../shared/outbox/memory-store.js';
import { OutboxPump, checkInterval } from '../../../shared/outbox/pump.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';

interface Entry {
  readonly id: string;
  readonly createdAt: number;
}

function setup(resendAfterMs = 2_000) {
  const scheduler = new ManualScheduler();
  const outbox = new OutboxMachine<Entry>({ store: new MemoryOutboxStore<Entry>(), clock: scheduler, resendAfterMs });
  const sent: string[] = [];
  let online = true;
  const pump = new OutboxPump({
    outbox,
    scheduler,
    online: () => online,
    send: (entry) => {
      sent.push(entry.id);
      return true;
    },
  });
  const add = (...ids: string[]) => ids.forEach((id) => outbox.add({ id, createdAt: 0 }));
  return { scheduler, outbox, pump, sent, add, setOnline: (value: boolean) => (online = value) };
}

describe('the outbox pump', () => {
  it.each([
    [100, 50],
    [2_000, 1_000],
    [5_000, 1_000],
    [10_000, 1_000],
    [1_500, 750],
  ])('looks for re-sends every half timeout within 50 ms – 1 s (timeout %i ms: %i ms)', (timeout, every) => {
    expect(checkInterval(timeout)).toBe(every);
  });

  it('sends at start, then what falls due on its ticks', () => {
    const { scheduler, pump, sent, add } = setup();
    add('a');
    pump.start();
    expect(sent).toEqual(['a']);
    scheduler.advance(1_999);
    expect(sent).toEqual(['a']);
    scheduler.advance(1);
    expect(sent).toEqual(['a', 'a']);
    pump.stop();
  });

  it('coalesces the kicks of one turn into one send, after the turn', () => {
    const { scheduler, pump, sent, add } = setup();
    pump.start();
    add('a');
    pump.kick();
    add('b');
    pump.kick();
    expect(sent).toEqual([]);
    scheduler.runNextTurns();
    expect(sent).toEqual(['a', 'b']);
    pump.stop();
  });

  it('tries nothing while offline', () => {
    const { scheduler, pump, sent, add, setOnline } = setup();
    setOnline(false);
    add('a');
    pump.start();
    scheduler.advance(10_000);
    expect(sent).toEqual([]);
    setOnline(true);
    pump.kick();
    scheduler.runNextTurns();
    expect(sent).toEqual(['a']);
    pump.stop();
  });

  it('leaves no timer behind once stopped, and ignores kicks then', () => {
    const { scheduler, pump, add, sent } = setup();
    pump.start();
    pump.kick();
    pump.stop();
    expect(scheduler.pending).toBe(0);
    add('a');
    pump.kick();
    scheduler.advance(10_000);
    expect(sent).toEqual([]);
    expect(pump.running).toBe(false);
  });
});
