import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ButtonEvent, ButtonInput } from '../../../device/inputs/input.js';
import type { ManualScheduler } from '../../harness/manual-scheduler.js';

/**
 * The contract every input back end passes (like aedes' abstract persistence
 * suite). Each back end gives a harness that moves its real raw signal: an edge on
 * a fake onoff pin, a Firmata digital report through mock-firmata, a key on a fake
 * stdin, an injected simulated level. Each runs on a ManualScheduler, so time
 * moves only when a test moves it (no fake global timers, no sleeps).
 *
 * Buttons: "a" has only a press action; "b" also has a long-press action with
 * holdMs 500, so its press is only known at release.
 */
export interface InputHarness {
  readonly input: ButtonInput;
  readonly events: ButtonEvent[];
  /** The back end's time; the harness and the tests advance it. */
  readonly scheduler: ManualScheduler;
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
    });
    afterEach(async () => {
      await h.input.stop();
      await h.dispose?.();
    });

    it('reports its buttons in config order', () => {
      expect(h.input.buttons).toEqual(['a', 'b']);
    });

    it('a press gives down and press once the level is stable', () => {
      h.down('a');
      h.scheduler.advance(h.pressSettleMs);
      expect(kinds('a')).toEqual(['down', 'press']);
      expect(kinds('b')).toEqual([]);
    });

    it('a release gives up, and the next press is a new press', () => {
      h.down('a');
      h.scheduler.advance(h.pressSettleMs);
      h.up('a');
      h.scheduler.advance(h.releaseSettleMs);
      h.down('a');
      h.scheduler.advance(h.pressSettleMs);
      expect(kinds('a')).toEqual(['down', 'press', 'up', 'down', 'press']);
    });

    it('a long press on a button with a long-press action gives long-press, not press', () => {
      h.down('b');
      h.hold('b', HOLD_MS + 100);
      expect(kinds('b')).toEqual(['down', 'long-press']);
      h.up('b');
      h.scheduler.advance(h.releaseSettleMs);
      expect(kinds('b')).toEqual(['down', 'long-press', 'up']);
    });

    it('a short press on that button is a press, known at release', () => {
      h.down('b');
      h.scheduler.advance(h.pressSettleMs);
      expect(kinds('b')).toEqual(['down']);
      h.up('b');
      h.scheduler.advance(h.releaseSettleMs);
      expect(kinds('b')).toEqual(['down', 'up', 'press']);
    });

    it('a bouncing contact is one press and one release', () => {
      h.bounce('a', 'pressed');
      h.scheduler.advance(h.pressSettleMs);
      expect(kinds('a')).toEqual(['down', 'press']);
      h.bounce('a', 'released');
      h.scheduler.advance(h.releaseSettleMs);
      expect(kinds('a')).toEqual(['down', 'press', 'up']);
    });

    it('events carry the clock time', () => {
      const start = h.scheduler.now();
      h.down('a');
      h.scheduler.advance(h.pressSettleMs);
      expect(h.events[0]?.at).toBeGreaterThanOrEqual(start);
      expect(h.events[0]?.at).toBeLessThanOrEqual(start + h.pressSettleMs);
    });

    it('stops cleanly: no pending timer, nothing held, no event afterwards', async () => {
      h.down('b');
      h.scheduler.advance(h.pressSettleMs);
      h.down('a');
      await h.input.stop();
      expect(h.scheduler.pending).toBe(0);
      const before = h.events.length;
      h.down('a');
      h.scheduler.advance(HOLD_MS * 2);
      expect(h.events.length).toBe(before);
      for (const [what, value] of Object.entries(h.held())) expect({ [what]: value }).toEqual({ [what]: typeof value === 'number' ? 0 : false });
    });
  });
}
