/**
 * Resolves once `check()` holds, checked every `interval` ms; rejects after `timeout`
 * ms naming `what` and, when given, `detail()` at that moment. The one way tests wait
 * for a state they cannot get an event for (instead of sleeping).
 *
 * Plain timers rather than vitest's `vi.waitFor`: the benchmarks share this harness
 * (bench/ starts brokers with waitForPort) and run outside vitest, where `vi` has no
 * state. The timer functions are taken when this module loads, so a test that turns
 * on fake timers afterwards does not freeze its own waits.
 */
const realSetTimeout = globalThis.setTimeout.bind(globalThis);
const realNow = performance.now.bind(performance);

export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  options: { timeout?: number; interval?: number; detail?: () => string } = {},
): Promise<void> {
  const { timeout = 5_000, interval = 10, detail } = options;
  const deadline = realNow() + timeout;
  for (;;) {
    let held = false;
    let thrown: unknown = null;
    try {
      held = await check();
    } catch (error) {
      thrown = error;
    }
    if (held) return;
    if (realNow() >= deadline) {
      const cause = thrown instanceof Error ? ` (last check threw: ${thrown.message})` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${detail ? `: ${detail()}` : ''}${cause}`);
    }
    await new Promise((resolve) => realSetTimeout(resolve, interval));
  }
}
