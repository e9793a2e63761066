/** Time comes in through the context so tests can control it (see shared/scheduler.ts). */
export type { Clock } from '../shared/scheduler.js';
import type { Clock } from '../shared/scheduler.js';

export const systemClock: Clock = { now: () => Date.now() };
