/**
 * SPEC: reconnects back off exponentially from an initial delay up to a cap, with
 * equal jitter (half of each step fixed, half random), on every end.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../shared/backoff.js';

describe('backoffDelay', () => {
  const fixed = (r: number) => ({ initialMs: 500, maxMs: 30_000, random: () => r });

  it('doubles from the initial delay and stops at the cap', () => {
    const steps = [0, 1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffDelay(n, fixed(0.999999)));
    expect(steps).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('waits half a step when the random source gives 0', () => {
    expect([0, 1, 2, 10].map((n) => backoffDelay(n, fixed(0)))).toEqual([250, 500, 1000, 15000]);
  });

  it('spreads thirty devices over half a step (equal jitter)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const delays = Array.from({ length: 30 }, () => backoffDelay(3, { initialMs: 500, maxMs: 30_000, random }));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4000);
    expect(new Set(delays).size).toBeGreaterThan(25);
  });

  it('never exceeds the cap nor falls under half of it once there, whatever the attempt', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const delay = backoffDelay(attempt, { initialMs: 500, maxMs: 8_000, random: () => r });
        expect(delay).toBeLessThanOrEqual(8_000);
        expect(delay).toBeGreaterThanOrEqual(attempt >= 4 ? 4_000 : 250);
      }),
    );
  });
});
