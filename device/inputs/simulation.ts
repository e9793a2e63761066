import { type InputConfig, simulatedPressMs } from '../config.js';
import type { TimerHandle } from '../../shared/scheduler.js';
import type { ButtonInput, InputContext } from './input.js';
import { ButtonTracker } from './tracker.js';

export type SimulationInputConfig = Extract<InputConfig, { type: 'simulation' }>;

export interface SimulationInputContext extends InputContext {
  readonly config: SimulationInputConfig;
  /** For the `random` pattern; injected so a run can be repeated. */
  readonly random?: () => number;
}

/**
 * Scripted presses at a rate (tests, benchmarks, the demo without a keyboard).
 * The script drives the same `inject` a test calls, and the same tracker as real
 * buttons, so simulated presses go through the whole agent like real ones.
 */
export class SimulationInput implements ButtonInput {
  readonly name = 'simulation';
  readonly buttons: readonly string[];
  private readonly trackers: Map<string, ButtonTracker>;
  private readonly timers = new Set<TimerHandle>();
  private made = 0;
  private next = 0;
  private running = false;
  private resolveFinished: () => void = () => undefined;
  /** Resolves once `count` presses were made (never when count is null). */
  readonly finished: Promise<void>;

  constructor(private readonly ctx: SimulationInputContext) {
    this.buttons = ctx.config.buttons.map((b) => b.id);
    this.trackers = new Map(
      ctx.config.buttons.map((b) => [
        b.id,
        new ButtonTracker({ id: b.id, holdMs: b.holdMs, waitForHold: b.longPress !== null }, { debounceMs: ctx.config.debounceMs, scheduler: ctx.scheduler, emit: ctx.emit }),
      ]),
    );
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  /** A raw level for one button, as a GPIO edge would give it. */
  inject(button: string, pressed: boolean): void {
    const tracker = this.trackers.get(button);
    if (tracker === undefined) throw new Error(`simulation has no button ${JSON.stringify(button)} (it has ${this.buttons.join(', ')})`);
    tracker.input(pressed);
  }

  async start(): Promise<void> {
    this.running = true;
    const { count, startAfterMs } = this.ctx.config;
    if (count === 0) {
      this.resolveFinished();
      return;
    }
    this.ctx.logger.info(`simulation: ${count ?? 'endless'} presses at ${this.ctx.config.ratePerSecond}/s on buttons ${this.buttons.join(', ')}`);
    this.later(startAfterMs, () => this.pressNext());
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) this.ctx.scheduler.clearTimer(timer);
    this.timers.clear();
    for (const tracker of this.trackers.values()) tracker.stop();
  }

  feedback(): void {
    // Nothing to light up.
  }

  private pressNext(): void {
    const { config } = this.ctx;
    if (!this.running || (config.count !== null && this.made >= config.count)) return;
    const index = config.pattern === 'random' ? Math.floor((this.ctx.random ?? Math.random)() * this.buttons.length) : this.next++ % this.buttons.length;
    const button = this.buttons[index] ?? this.buttons[0];
    if (button === undefined) return;
    this.made += 1;
    this.inject(button, true);
    this.later(simulatedPressMs(config), () => this.inject(button, false));
    if (config.count !== null && this.made >= config.count) {
      this.resolveFinished();
      return;
    }
    this.later(1000 / config.ratePerSecond, () => this.pressNext());
  }

  private later(ms: number, run: () => void): void {
    const timer = this.ctx.scheduler.setTimer(() => {
      this.timers.delete(timer);
      if (this.running) run();
    }, ms);
    this.timers.add(timer);
  }
}
