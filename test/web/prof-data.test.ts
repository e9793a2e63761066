/**
 * The teacher's page reads the admin API once a second and after each action: a
 * slow hub must not pile up requests (asks while a read runs share one more read).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProfData } from '../../web/lib/prof-data.js';

describe('ProfData.refresh', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('coalesces: while a read runs, any number of refreshes make one more read, which sees the latest state', async () => {
    const answers: (() => void)[] = [];
    let served = 0;
    vi.stubGlobal('fetch', (path: string) => {
      served += 1;
      const n = served;
      return new Promise<Response>((resolve) => {
        answers.push(() => resolve(new Response(JSON.stringify(path === '/api/lessons' ? { lessons: [] } : { polls: [{ poll: { id: `p${n}` }, round: 1, tally: { counts: {}, total: 0, rejected: 0 } }] }), { status: 200 })));
      });
    });
    const data = new ProfData();
    const seen: string[] = [];
    data.onChange((snapshot) => seen.push([...snapshot.polls.keys()].join()));
    const first = data.refresh();
    const more = [data.refresh(), data.refresh(), data.refresh(), data.refresh()];
    expect(served).toBe(2);
    while (answers.length > 0) {
      answers.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all([first, ...more]);
    // One read, then exactly one more for the four asks made during it.
    expect(served).toBe(4);
    expect(seen).toEqual(['p2', 'p4']);
  });
});
