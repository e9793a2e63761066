/**
 * Keeps the simulated CPU in step with the wall clock.
 *
 * The host side (firmata-io, MQTT) runs on wall time; the firmware runs on
 * simulated cycles. The board runs the CPU in slices of a few simulated
 * milliseconds and never lets simulated time get ahead of `timeScale` x wall time,
 * so a 57,600 baud link carries about as many bytes per wall second as a real one.
 * When the machine is too slow to keep up, the lost time is dropped rather than
 * caught up in a burst (many times faster than real time, which is what the pacing
 * is there to avoid) and is counted in `stats().lagMs`.
 *
 * Measured raw speed (simulated ms per wall ms of CPU work, avr8js 0.21, Node 20):
 * 3.8-4.8x on an idle 2-core development machine, about 2.3x inside vitest next to
 * other test files, 0.5-1.8x with the two cores shared by five busy processes. At
 * 1.5x or more it paces at exactly 1x; below, the board's `autoScale` slows the
 * simulated clock (and says so) rather than skipping anything.
 */

export interface SimulationStats {
  /** Simulated ms since power-on (across resets). */
  simulatedMs: number;
  /** Wall ms since start(). */
  wallMs: number;
  /** Simulated ms per wall ms the CPU achieves when not held back (measured inside slices). */
  rawSpeed: number;
  /** Simulated ms per wall ms actually achieved while paced (1 = in step with real time). */
  pacedSpeed: number;
  /** Wall ms the simulation fell behind and dropped because the machine was too slow. */
  lagMs: number;
  resets: number;
}

/** What the next slice is: wait this many wall ms first, or run the CPU up to this simulated ms. */
export type SlicePlan = { readonly waitMs: number } | { readonly runUntilMs: number };

// How far the simulation may fall behind the wall clock before the difference is dropped.
const MAX_CATCH_UP_MS = 20;
// Pacing needs spare capacity: slices wait for the wall clock, the host's own work
// (firmata-io, johnny-five, MQTT) runs in between, and the machine may be shared.
const HEADROOM = 1.5;

export class Pacer {
  private startWall = 0;
  private anchorWall = 0;
  private anchorSimMs = 0;
  private busyWallMs = 0;
  private busySimMs = 0;
  private pacedWallMs = 0;
  private pacedSimMs = 0;
  private lastStepWall = 0;
  private lagMs = 0;

  constructor(public timeScale: number) {}

  start(simulatedMs: number): void {
    this.startWall = performance.now();
    this.reanchor(simulatedMs);
  }

  /** From now on, simulated time counts from `simulatedMs` at this wall instant. */
  reanchor(simulatedMs: number): void {
    this.anchorWall = performance.now();
    this.anchorSimMs = simulatedMs;
  }

  /** Simulated ms run since the last reanchor(). */
  sinceAnchor(simulatedMs: number): number {
    return simulatedMs - this.anchorSimMs;
  }

  /** Where the next slice of `sliceMs` ends, or how long to wait for the wall clock first. */
  plan(simulatedMs: number, sliceMs: number, paced: boolean): SlicePlan {
    const stepWall = performance.now();
    if (paced && this.lastStepWall > 0) this.pacedWallMs += stepWall - this.lastStepWall;
    this.lastStepWall = stepWall;
    const sliceEndMs = simulatedMs + sliceMs;
    if (!paced) return { runUntilMs: sliceEndMs };
    const now = performance.now();
    const allowedMs = this.anchorSimMs + (now - this.anchorWall) * this.timeScale;
    const behindMs = allowedMs - simulatedMs;
    if (behindMs < 0) {
      // Ahead of the wall clock: sleep until the next slice is due.
      return { waitMs: Math.max(1, Math.ceil(-behindMs / this.timeScale)) };
    }
    if (behindMs > MAX_CATCH_UP_MS) {
      this.lagMs += (behindMs - MAX_CATCH_UP_MS) / this.timeScale;
      this.anchorSimMs = simulatedMs + MAX_CATCH_UP_MS;
      this.anchorWall = now;
    }
    return { runUntilMs: Math.min(sliceEndMs, this.anchorSimMs + (now - this.anchorWall) * this.timeScale + sliceMs) };
  }

  /**
   * When the boot showed the CPU cannot run HEADROOM times faster than the target,
   * slows the target down to what it can do (and says so on stderr) instead of
   * falling behind all the time.
   */
  slowDownIfNeeded(rawSpeed: number, simulatedMs: number): void {
    if (rawSpeed >= this.timeScale * HEADROOM) return;
    const slowed = Math.max(0.05, rawSpeed / HEADROOM);
    process.stderr.write(
      `simulated Uno: this machine runs the ATmega328P at ${rawSpeed.toFixed(2)}x real time, ` +
        `short of the ${(this.timeScale * HEADROOM).toFixed(2)}x needed to pace it at ${this.timeScale}x; ` +
        `slowing the simulated clock to ${slowed.toFixed(2)}x of wall time (1 simulated ms = ${(1 / slowed).toFixed(1)} wall ms)\n`,
    );
    this.timeScale = slowed;
    this.reanchor(simulatedMs);
  }

  /** A slice ran: `simMs` simulated in `wallMs` of CPU work. */
  record(wallMs: number, simMs: number, paced: boolean): void {
    this.busyWallMs += wallMs;
    this.busySimMs += simMs;
    if (paced) this.pacedSimMs += simMs;
  }

  stats(simulatedMs: number, resets: number): SimulationStats {
    return {
      simulatedMs,
      wallMs: performance.now() - this.startWall,
      rawSpeed: this.busyWallMs > 0 ? this.busySimMs / this.busyWallMs : 0,
      pacedSpeed: this.pacedWallMs > 0 ? this.pacedSimMs / this.pacedWallMs : 0,
      lagMs: this.lagMs,
      resets,
    };
  }
}

export function describeStats(s: SimulationStats, timeScale: number): string {
  return (
    `simulated ${s.simulatedMs.toFixed(0)} ms in ${s.wallMs.toFixed(0)} ms wall; ` +
    `raw speed ${s.rawSpeed.toFixed(2)}x, paced ${s.pacedSpeed.toFixed(2)}x of wall time ` +
    `(target ${timeScale.toFixed(2)}x), ${s.lagMs.toFixed(0)} ms dropped behind`
  );
}
