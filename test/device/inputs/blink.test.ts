import { describe, expect, it } from 'vitest';
import { Blinker } from '../../../device/inputs/blink.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';

// The blinker's steps run on its scheduler: the test moves time and reads the LED.
describe('Blinker', () => {
  function setup() {
    const scheduler = new ManualScheduler();
    const start = scheduler.now();
    const writes: { on: boolean; at: number }[] = [];
    const blinker = new Blinker((on) => writes.push({ on, at: scheduler.now() - start }), scheduler);
    return { scheduler, writes, blinker };
  }

  it('one 250 ms pulse for an acknowledged vote', () => {
    const { scheduler, writes, blinker } = setup();
    blinker.blink('acknowledged');
    scheduler.advance(1_000);
    expect(writes).toEqual([
      { on: true, at: 0 },
      { on: false, at: 250 },
    ]);
    expect(scheduler.pending).toBe(0);
  });

  it('three 80 ms pulses for a rejected vote', () => {
    const { scheduler, writes, blinker } = setup();
    blinker.blink('rejected');
    scheduler.advance(1_000);
    expect(writes.map((w) => [w.on, w.at])).toEqual([
      [true, 0],
      [false, 80],
      [true, 160],
      [false, 240],
      [true, 320],
      [false, 400],
    ]);
  });

  it('a new pattern replaces the one playing, and stop leaves the LED off with no timer', () => {
    const { scheduler, writes, blinker } = setup();
    blinker.blink('rejected');
    scheduler.advance(100);
    blinker.blink('acknowledged');
    scheduler.advance(100);
    blinker.stop();
    expect(scheduler.pending).toBe(0);
    expect(writes.map((w) => [w.on, w.at])).toEqual([
      [true, 0],
      [false, 80],
      [true, 100],
      [false, 200],
    ]);
  });
});
