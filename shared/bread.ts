/**
 * Bread doneness from temperature readings: froid -> cuisson -> prêt -> brûlé.
 *
 * Upward moves happen when a threshold is reached; downward moves only once the
 * temperature has fallen `hysteresis` degrees below it, so a probe that wobbles
 * around a threshold does not flap. `prêt` and `brûlé` hold while the bread cools
 * (a baked loaf does not become raw again) until it is back below the cold
 * threshold, which starts a new bake. A loaf left hot in the oven `burntAfterMs`
 * after it was ready is burnt even if the probe never reaches `burntAt`.
 */
export const BREAD_STATES = ['froid', 'cuisson', 'prêt', 'brûlé'] as const;
export type BreadState = (typeof BREAD_STATES)[number];

export function isBreadState(value: string): value is BreadState {
  return (BREAD_STATES as readonly string[]).includes(value);
}

export interface BreadThresholds {
  /** °C at which the bread is considered in the oven (froid -> cuisson). */
  readonly bakingAt: number;
  /** °C core temperature at which the bread is done (cuisson -> prêt). */
  readonly readyAt: number;
  /** °C at which it is burnt (any -> brûlé). */
  readonly burntAt: number;
  /** °C the temperature must fall below a threshold before a downward move. */
  readonly hysteresis: number;
  /** Time kept hot after `prêt` before it counts as burnt; null: never by time. */
  readonly burntAfterMs: number | null;
}

export const DEFAULT_BREAD_THRESHOLDS: BreadThresholds = Object.freeze({
  bakingAt: 40,
  readyAt: 92,
  burntAt: 99,
  hysteresis: 1.5,
  burntAfterMs: 20 * 60 * 1000,
});

export interface BreadMachine {
  readonly state: BreadState;
  /** Epoch ms when `state` was entered (null before the first reading). */
  readonly since: number | null;
  readonly celsius: number | null;
}

export interface Reading {
  readonly celsius: number;
  /** Epoch milliseconds of the reading. */
  readonly at: number;
}

export const INITIAL_BREAD: BreadMachine = Object.freeze({ state: 'froid', since: null, celsius: null });

/** Every problem with a set of thresholds, empty when they are usable. */
export function breadThresholdProblems(t: BreadThresholds): string[] {
  const problems: string[] = [];
  for (const key of ['bakingAt', 'readyAt', 'burntAt', 'hysteresis'] as const) {
    if (!Number.isFinite(t[key])) problems.push(`${key} must be a number`);
  }
  if (!(t.bakingAt < t.readyAt && t.readyAt < t.burntAt)) {
    problems.push('thresholds must rise: bakingAt < readyAt < burntAt');
  }
  if (!(t.hysteresis >= 0)) problems.push('hysteresis must be zero or more');
  if (t.hysteresis >= t.readyAt - t.bakingAt) problems.push('hysteresis must be smaller than readyAt - bakingAt');
  if (t.burntAfterMs !== null && !(t.burntAfterMs > 0)) problems.push('burntAfterMs must be positive or null');
  return problems;
}

export function stepBread(machine: BreadMachine, reading: Reading, t: BreadThresholds = DEFAULT_BREAD_THRESHOLDS): BreadMachine {
  const { celsius, at } = reading;
  if (!Number.isFinite(celsius)) return machine;
  const next = nextState(machine, celsius, at, t);
  if (next === machine.state && machine.since !== null) return { ...machine, celsius };
  return { state: next, since: next === machine.state ? (machine.since ?? at) : at, celsius };
}

function nextState(machine: BreadMachine, celsius: number, at: number, t: BreadThresholds): BreadState {
  const cooled = celsius < t.bakingAt - t.hysteresis;
  switch (machine.state) {
    case 'froid':
      if (celsius >= t.burntAt) return 'brûlé';
      if (celsius >= t.readyAt) return 'prêt';
      if (celsius >= t.bakingAt) return 'cuisson';
      return 'froid';
    case 'cuisson':
      if (celsius >= t.burntAt) return 'brûlé';
      if (celsius >= t.readyAt) return 'prêt';
      return cooled ? 'froid' : 'cuisson';
    case 'prêt': {
      if (celsius >= t.burntAt) return 'brûlé';
      const stillHot = celsius >= t.readyAt - t.hysteresis;
      const tooLong = t.burntAfterMs !== null && machine.since !== null && at - machine.since >= t.burntAfterMs;
      if (stillHot && tooLong) return 'brûlé';
      return cooled ? 'froid' : 'prêt';
    }
    case 'brûlé':
      return cooled ? 'froid' : 'brûlé';
  }
}
