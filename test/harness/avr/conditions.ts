/**
 * Waits on the board's state: a predicate checked at the moments the state can
 * change (after every time slice and every drive()), not on a polling timer.
 */
export class Conditions {
  private readonly checks = new Set<() => void>();

  /** `describe()` adds the board's figures to a timeout's message. */
  constructor(private readonly describe: () => string) {}

  /** Resolves once `predicate` holds; rejects after `timeoutMs` of wall time naming `what`. */
  waitFor(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        done();
        resolve();
      };
      const timeout = setTimeout(() => {
        done();
        reject(new Error(`waited ${timeoutMs} ms (wall) for ${what}; ${this.describe()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timeout);
        this.checks.delete(check);
      };
      this.checks.add(check);
    });
  }

  /** The state may have changed: check every waiting predicate. */
  check(): void {
    for (const check of [...this.checks]) check();
  }
}
