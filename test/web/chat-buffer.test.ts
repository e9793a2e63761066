import { describe, expect, it } from 'vitest';
import { ChatBuffer } from '../../web/lib/chat-buffer.js';

/**
 * Issue 13 item 5, the visible chat page under a flood: the page built an element
 * for every message that arrived before its next render, then threw all but 200
 * away, so a burst that beat one frame cost as many elements as messages. The
 * buffer drops them before any element is built, at any rate.
 */
describe('the chat page buffer', () => {
  it('a flood before one render leaves only the newest 200 to draw, in order', () => {
    const buffer = new ChatBuffer<number>(200);
    for (let i = 0; i < 5_000; i += 1) buffer.add([i]);
    expect(buffer.size).toBe(200);
    const drawn = buffer.take();
    expect(drawn).toHaveLength(200);
    expect(drawn[0]).toBe(4_800);
    expect(drawn.at(-1)).toBe(4_999);
    expect(buffer.size).toBe(0);
  });

  it('a history of many messages at once is bounded too; a quiet chat keeps everything', () => {
    const buffer = new ChatBuffer<number>(200);
    buffer.add(Array.from({ length: 1_000 }, (_, i) => i));
    expect(buffer.take()).toEqual(Array.from({ length: 200 }, (_, i) => 800 + i));
    buffer.add([1, 2, 3]);
    expect(buffer.take()).toEqual([1, 2, 3]);
  });
});
