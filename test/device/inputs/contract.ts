import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ButtonEvent, ButtonInput } from '../../../device/inputs/input.js';

/**
 * The contract every input back end passes (like aedes' abstract persistence
 * suite). Each back end gives a harness that moves its real raw signal: an edge on
 * a fake onoff pin, a Firmata digital report through mock-firmata, a key on a fake
 * stdin, an injected simulated level.
 *
 * Buttons: "a" has only a press action; "b" also has a long-press action with
 * holdMs 500, so its press is only known at release.
 */
export interface InputHarness {
  readonly input: ButtonInput;
  readonly events: ButtonEvent[];
  /** A clean edge to "pressed". */
  down(button: 'a' | 'b'): void;
  /** A clean edge to "released" (the keyboard has none: it releases by silence). */
  up(button: 'a' | 'b'): void;
  /** Keeps the button down for `ms` of fake time (the keyboard auto-repeats). */
  hold(button: 'a' | 'b', ms: number): void;
  /** A bouncing contact ending "pressed" (or "released"): several edges within a few ms. */
  bounce(button: 'a' | 'b', to: 'pressed' | 'released'): void;
  /** Fake time after which a press is recognised (the debounce). */
  readonly pressSettleMs: number;
  /** Fake time after which a release is recognised (the debounce; the keyboard's silence). */
  readonly releaseSettleMs: number;
  /** What the back end still holds after stop (pins exported, listeners, raw mode...): all must be zero or false. */
  held(): Record<string, number | boolean>;
  dispose?(): Promise<void> | void;
}

export const HOLD_MS = 500;

export function describeInputContract(name: string, make: () => Promise<InputHarness>): void {
  describe(`input contract: ${name}`, () => {
    let h: InputHarness;
    const kinds = (button: string) => h.events.filter((e) => e.button === button).map((e) => e.type);

    beforeEach(async () => {
      h = await make();
      await h.input.start();
      // Timers made from here on (debounce, hold, key release) are driven by hand.
      vi.useFakeTimers();
    });
    afterEach(async () => {
      vi.useRealTimers();
      await h.input.stop();
      await h.dispose?.();
    });

    it('reports its buttons in config order', () => {
      expect(h.input.buttons).toEqual(['a', 'b']);
    });

    it('a press gives down and press once the level is stable', () => {
      h.down('a');
      vi.advanceTimersByTime(h.pressSettleMs);
      expect(kinds('a')).toEqual(['down', 'press']);
      expect(kinds('b')).toEqual([]);
    });

    it('a release gives up, and the next press is a new press', () => {
      h.down('a');
      vi.advanceTimersByTime(h.pressSettleMs);
      h.up('a');
      vi.advanceTimersByTime(h.releaseSettleMs);
      h.down('a');
      vi.advanceTimersByTime(h.pressSettleMs);
      expect(kinds('a')).toEqual(['down', 'press', 'up', 'down', 'press']);
    });

    it('a long press on a button with a long-press action gives long-press, not press', () => {
      h.down('b');
      h.hold('b', HOLD_MS + 100);
      expect(kinds('b')).toEqual(['down', 'long-press']);
      h.up('b');
      vi.advanceTimersByTime(h.releaseSettleMs);
      expect(kinds('b')).toEqual(['down', 'long-press', 'up']);
    });

    it('a short press on that button is a press, known at release', () => {
      h.down('b');
      vi.advanceTimersByTime(h.pressSettleMs);
      expect(kinds('b')).toEqual(['down']);
      h.up('b');
      vi.advanceTimersByTime(h.releaseSettleMs);
      expect(kinds('b')).toEqual(['down', 'up', 'press']);
    });

    it('a bouncing contact is one press and one release', () => {
      h.bounce('a', 'pressed');
      vi.advanceTimersByTime(h.pressSettleMs);
      expect(kinds('a')).toEqual(['down', 'press']);
      h.bounce('a', 'released');
      vi.advanceTimersByTime(h.releaseSettleMs);
      expect(kinds('a')).toEqual(['down', 'press', 'up']);
    });

    it('events carry the clock time', () => {
      vi.setSystemTime(1_764_160_000_000);
      h.down('a');
      vi.advanceTimersByTime(h.pressSettleMs);
      expect(h.events[0]?.at).toBeGreaterThanOrEqual(1_764_160_000_000);
      expect(h.events[0]?.at).toBeLessThanOrEqual(1_764_160_000_000 + h.pressSettleMs);
    });

    it('stops cleanly: no pending timer, nothing held, no event afterwards', async () => {
      h.down('b');
      vi.advanceTimersByTime(h.pressSettleMs);
      h.down('a');
      await h.input.stop();
      expect(vi.getTimerCount()).toBe(0);
      const before = h.events.length;
      h.down('a');
      vi.advanceTimersByTime(HOLD_MS * 2);
      expect(h.events.length).toBe(before);
      for (const [what, value] of Object.entries(h.held())) expect({ [what]: value }).toEqual({ [what]: typeof value === 'number' ? 0 : false });
    });
  });
}
