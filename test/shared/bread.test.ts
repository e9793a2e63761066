import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BREAD_STATES,
  type BreadMachine,
  type BreadState,
  type BreadThresholds,
  DEFAULT_BREAD_THRESHOLDS as D,
  INITIAL_BREAD,
  breadThresholdProblems,
  stepBread,
} from '../../shared/bread.js';

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;

/** Feeds readings (one a second unless a time is given) and returns the state after each. */
function walk(readings: ReadonlyArray<number | [number, number]>, t: BreadThresholds = D, from: BreadMachine = INITIAL_BREAD): BreadState[] {
  let machine = from;
  return readings.map((r, i) => {
    const [celsius, at] = typeof r === 'number' ? [r, T0 + i * 1000] : r;
    machine = stepBread(machine, { celsius, at }, t);
    return machine.state;
  });
}

describe('stepBread (table, default thresholds)', () => {
  const CASES: ReadonlyArray<[string, Array<number | [number, number]>, BreadState[]]> = [
    ['a full bake', [20, 39.9, 40, 91.9, 92, 98.9, 99], ['froid', 'froid', 'cuisson', 'cuisson', 'prêt', 'prêt', 'brûlé']],
    ['straight to prêt and brûlé from cold', [92, 20, 99], ['prêt', 'froid', 'brûlé']],
    ['cuisson holds within the hysteresis, froid below it', [45, 39, 38.5, 38.4, 39.9, 40], ['cuisson', 'cuisson', 'cuisson', 'froid', 'froid', 'cuisson']],
    ['prêt holds while cooling, froid below bakingAt - hysteresis', [92, 91, 80, 60, 40, 38.5, 38.4], ['prêt', 'prêt', 'prêt', 'prêt', 'prêt', 'prêt', 'froid']],
    ['brûlé holds while cooling', [99, 95, 50, 38.5, 38, 45], ['brûlé', 'brûlé', 'brûlé', 'brûlé', 'froid', 'cuisson']],
    ['prêt does not flap around readyAt', [92, 90.5, 92, 90.6, 91.99], ['prêt', 'prêt', 'prêt', 'prêt', 'prêt']],
    [
      'burnt by time: prêt held hot for burntAfterMs',
      [[92, T0], [95, T0 + 20 * MINUTE - 1], [95, T0 + 20 * MINUTE]],
      ['prêt', 'prêt', 'brûlé'],
    ],
    [
      'burnt by time counts from entering prêt, not from the first reading',
      [[50, T0], [92, T0 + 10 * MINUTE], [93, T0 + 25 * MINUTE], [93, T0 + 30 * MINUTE]],
      ['cuisson', 'prêt', 'prêt', 'brûlé'],
    ],
    [
      'not burnt by time once cooled below readyAt - hysteresis',
      [[92, T0], [90.4, T0 + 20 * MINUTE], [70, T0 + 60 * MINUTE]],
      ['prêt', 'prêt', 'prêt'],
    ],
    ['NaN and infinite readings are ignored', [50, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 92], ['cuisson', 'cuisson', 'cuisson', 'cuisson', 'prêt']],
  ];

  it.each(CASES)('%s', (_name, readings, states) => {
    expect(walk(readings)).toEqual(states);
  });

  it('records since and celsius', () => {
    const a = stepBread(INITIAL_BREAD, { celsius: 20, at: T0 });
    expect(a).toEqual({ state: 'froid', since: T0, celsius: 20 });
    const b = stepBread(a, { celsius: 30, at: T0 + 5 });
    expect(b).toEqual({ state: 'froid', since: T0, celsius: 30 });
    const c = stepBread(b, { celsius: 41, at: T0 + 9 });
    expect(c).toEqual({ state: 'cuisson', since: T0 + 9, celsius: 41 });
    expect(stepBread(c, { celsius: Number.NaN, at: T0 + 10 })).toBe(c);
    expect(INITIAL_BREAD).toEqual({ state: 'froid', since: null, celsius: null });
  });

  it('never burns by time when burntAfterMs is null', () => {
    const t = { ...D, burntAfterMs: null };
    expect(walk([[92, T0], [98, T0 + 10 * 60 * MINUTE]], t)).toEqual(['prêt', 'prêt']);
  });
});

describe('breadThresholdProblems', () => {
  it('accepts the defaults', () => {
    expect(breadThresholdProblems(D)).toEqual([]);
    expect(breadThresholdProblems({ ...D, burntAfterMs: null, hysteresis: 0 })).toEqual([]);
  });

  it.each<[string, Partial<BreadThresholds>, RegExp]>([
    ['readyAt below bakingAt', { readyAt: 30 }, /must rise/],
    ['burntAt equal to readyAt', { burntAt: 92 }, /must rise/],
    ['bakingAt above everything', { bakingAt: 120 }, /must rise/],
    ['hysteresis as large as readyAt - bakingAt', { hysteresis: 52 }, /hysteresis must be smaller/],
    ['a negative hysteresis', { hysteresis: -1 }, /zero or more/],
    ['a NaN threshold', { readyAt: Number.NaN }, /readyAt must be a number/],
    ['a zero burntAfterMs', { burntAfterMs: 0 }, /burntAfterMs/],
  ])('reports %s', (_name, patch, problem) => {
    const problems = breadThresholdProblems({ ...D, ...patch });
    expect(problems.some((p) => problem.test(p))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------
// Properties

/** Usable thresholds, some without burn-by-time. */
const thresholdsArb: fc.Arbitrary<BreadThresholds> = fc
  .record({
    bakingAt: fc.integer({ min: 20, max: 60 }),
    gap1: fc.double({ min: 1, max: 60, noNaN: true }),
    gap2: fc.double({ min: 0.25, max: 20, noNaN: true }),
    hysteresisShare: fc.double({ min: 0, max: 0.9, noNaN: true }),
    burntAfterMs: fc.constantFrom(null, 20 * MINUTE),
  })
  .map(({ bakingAt, gap1, gap2, hysteresisShare, burntAfterMs }) => ({
    bakingAt,
    readyAt: bakingAt + gap1,
    burntAt: bakingAt + gap1 + gap2,
    hysteresis: Math.min(5, gap1 * hysteresisShare),
    burntAfterMs,
  }));
const anyThresholds = fc.oneof(fc.constant(D), fc.constant({ ...D, burntAfterMs: null }), thresholdsArb);
const KEYS = ['bakingAt', 'readyAt', 'burntAt'] as const;
const rank = (state: BreadState): number => BREAD_STATES.indexOf(state);

/** True when no state comes back after the machine left it (A -> B -> A). */
function neverReturns(states: readonly BreadState[]): boolean {
  const left = new Set<BreadState>();
  for (let i = 1; i < states.length; i++) {
    const [prev, cur] = [states[i - 1]!, states[i]!];
    if (prev !== cur) {
      left.add(prev);
      if (left.has(cur)) return false;
    }
  }
  return true;
}

describe('bread properties', () => {
  it('neverReturns spots flapping', () => {
    expect(neverReturns(['froid', 'cuisson', 'cuisson', 'prêt'])).toBe(true);
    expect(neverReturns(['cuisson', 'froid', 'cuisson'])).toBe(false);
  });

  it.each(KEYS)('readings within [%s - hysteresis, + 1) never flap', (key) => {
    const arb = anyThresholds.chain((t) =>
      fc.tuple(
        fc.constant(t),
        fc.boolean(),
        fc.array(
          fc.tuple(fc.double({ min: t[key] - t.hysteresis, max: t[key] + 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 1, max: 2000 })),
          { maxLength: 60 },
        ),
      ),
    );
    fc.assert(
      fc.property(arb, ([t, stepwise, readings]) => {
        expect(breadThresholdProblems(t)).toEqual([]);
        // Reach T straight from cold, or climbing through every lower threshold first.
        const climb = stepwise ? KEYS.slice(0, KEYS.indexOf(key) + 1).map((k) => t[k]) : [t[key]];
        let machine: BreadMachine = INITIAL_BREAD;
        let at = T0;
        const states: BreadState[] = ['froid'];
        for (const celsius of climb) {
          machine = stepBread(machine, { celsius, at: (at += 1000) }, t);
          states.push(machine.state);
        }
        expect(machine.state).toBe(BREAD_STATES[KEYS.indexOf(key) + 1]);
        for (const [celsius, dt] of readings) {
          machine = stepBread(machine, { celsius, at: (at += dt) }, t);
          states.push(machine.state);
        }
        expect(neverReturns(states)).toBe(true);
      }),
    );
  });

  it('a rising temperature from 20 to 120 visits the states in order', () => {
    const arb = fc.tuple(anyThresholds, fc.array(fc.double({ min: 20, max: 120, noNaN: true }), { maxLength: 80 }));
    fc.assert(
      fc.property(arb, ([t, middle]) => {
        const readings = [20, ...middle.sort((a, b) => a - b), 120];
        const states = walk(readings, t);
        for (let i = 1; i < states.length; i++) expect(rank(states[i]!)).toBeGreaterThanOrEqual(rank(states[i - 1]!));
        states.forEach((state, i) => {
          const c = readings[i]!;
          const expected = c >= t.burntAt ? 'brûlé' : c >= t.readyAt ? 'prêt' : c >= t.bakingAt ? 'cuisson' : 'froid';
          expect(state).toBe(expected); // one reading a second: burn-by-time never applies here
        });
      }),
    );
  });
});
