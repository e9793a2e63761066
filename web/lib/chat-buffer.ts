/**
 * The chat page's messages received and not yet drawn. It never holds more than
 * the page keeps on screen: under a flood (5,000 messages a second) the older
 * ones are dropped here, before any element is built for them, so one render
 * builds at most `keep` messages whatever the rate, and memory stays bounded
 * while a hidden tab waits for its next render (issue 13 item 5).
 */
export class ChatBuffer<T> {
  private readonly waiting: T[] = [];

  constructor(private readonly keep: number) {}

  get size(): number {
    return this.waiting.length;
  }

  add(items: Iterable<T>): void {
    for (const item of items) this.waiting.push(item);
    if (this.waiting.length > this.keep) this.waiting.splice(0, this.waiting.length - this.keep);
  }

  /** Everything waiting, oldest first (at most `keep`), and empty again. */
  take(): T[] {
    return this.waiting.splice(0);
  }
}
