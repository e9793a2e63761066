import type { Clock } from '../../runtime/clock.js';
import type { TemperatureSensor } from './sensor.js';

export interface SimulatedOvenContext {
  readonly clock: Clock;
  /** From cold to the hottest point of the curve. */
  readonly durationMs: number;
  readonly ambient: number;
  readonly peak: number;
  /** Amplitude of the probe's wobble, °C; keep it under the hysteresis. */
  readonly wobble: number;
  /** Cool down after the peak (half the duration) and bake again. */
  readonly repeat: boolean;
}

/**
 * A loaf in an oven, fast-forwarded: the core warms along a smooth S-curve from
 * ambient to past burnt, with a wobble like a real probe's, so a run passes through
 * every doneness state and shows the hysteresis at work.
 */
export class SimulatedOven implements TemperatureSensor {
  readonly name = 'simulated oven';
  private startedAt = 0;

  constructor(private readonly options: SimulatedOvenContext) {}

  async start(): Promise<void> {
    this.startedAt = this.options.clock.now();
  }

  async stop(): Promise<void> {}

  async read(): Promise<number> {
    return this.at(this.options.clock.now() - this.startedAt);
  }

  /** The temperature `elapsed` ms after the start. */
  at(elapsed: number): number {
    const { durationMs, ambient, peak, wobble, repeat } = this.options;
    const cycle = durationMs * 1.5;
    const t = repeat ? elapsed % cycle : Math.min(elapsed, durationMs);
    // Heating: smoothstep from ambient to peak; cooling: back down linearly.
    const x = t <= durationMs ? smoothstep(t / durationMs) : 1 - (t - durationMs) / (cycle - durationMs);
    const base = ambient + (peak - ambient) * x;
    // The wobble is ±wobble, with a period of 1/40 of the bake.
    const noise = wobble * Math.sin((2 * Math.PI * elapsed) / (durationMs / 40));
    return Math.round((base + noise) * 100) / 100;
  }
}

function smoothstep(x: number): number {
  const c = Math.min(1, Math.max(0, x));
  return c * c * (3 - 2 * c);
}
