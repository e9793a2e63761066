import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';
import type { Feedback } from './input.js';

// One long blink says "the server counted it"; three short ones "the server refused
// it" (closed poll, unknown option...); three slow, long ones (about 3 s in all)
// "this button was the correct answer", unlike either. Durations in ms, alternating on / off.
const PATTERNS: Record<Feedback, readonly number[]> = {
  acknowledged: [250],
  rejected: [80, 80, 80, 80, 80],
  correct: [700, 300, 700, 300, 700],
};

/** Plays a blink pattern on one LED; a new pattern replaces the one playing. */
export class Blinker {
  private timer: TimerHandle | null = null;

  constructor(
    private readonly write: (on: boolean) => void,
    private readonly scheduler: Scheduler,
  ) {}

  blink(kind: Feedback): void {
    this.cancel();
    const steps = PATTERNS[kind];
    let index = 0;
    const next = () => {
      if (index >= steps.length) {
        this.timer = null;
        this.write(false);
        return;
      }
      this.write(index % 2 === 0);
      const duration = steps[index] ?? 0;
      index += 1;
      this.timer = this.scheduler.setTimer(next, duration);
    };
    next();
  }

  /** Stops any pattern and leaves the LED off. */
  stop(): void {
    this.cancel();
    this.write(false);
  }

  private cancel(): void {
    this.scheduler.clearTimer(this.timer);
    this.timer = null;
  }
}
