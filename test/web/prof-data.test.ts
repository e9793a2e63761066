/**
 * The teacher's page reads the admin API only when something changed (SPEC §7:
 * nobody polls): after a poll message that differs from the last one, on each
 * (re)connect and after its own actions; a tally message moves the bars without a
 * read; a slow hub must not pile up requests (asks while a read runs share one
 * more read). Time is a ManualScheduler: the page's countdown ticks on it, and
 * minutes of it pass without a single request.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodePoll } from '../../shared/codecs/poll.js';
import { encodeTally } from '../../shared/codecs/tally.js';
import { type Poll, samplePoll } from '../../shared/poll.js';
import { createTopics } from '../../shared/topics.js';
import { tickCountdown } from '../../web/lib/countdown-ticker.js';
import { ProfData } from '../../web/lib/prof-data.js';
import { type LiveLink, followLive } from '../../web/lib/prof-live.js';
import { ManualScheduler } from '../harness/manual-scheduler.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

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
      await settle();
    }
    await Promise.all([first, ...more]);
    // One read, then exactly one more for the four asks made during it.
    expect(served).toBe(4);
    expect(seen).toEqual(['p2', 'p4']);
  });
});

/** A stand-in for the page's MQTT link: the test delivers CONNACKs and messages. */
class FakeLink implements LiveLink {
  readonly filters: string[] = [];
  private readonly connects: (() => void)[] = [];
  private readonly messages: ((topic: string, payload: Uint8Array, retained: boolean) => void)[] = [];
  subscribe(filters: readonly string[]): void {
    this.filters.push(...filters);
  }
  onConnect(listener: () => void): void {
    this.connects.push(listener);
  }
  onMessage(listener: (topic: string, payload: Uint8Array, retained: boolean) => void): void {
    this.messages.push(listener);
  }
  connect(): void {
    for (const listener of this.connects) listener();
  }
  deliver(topic: string, payload: string, retained = false): void {
    for (const listener of this.messages) listener(topic, new TextEncoder().encode(payload), retained);
  }
}

describe("the teacher's page follows the room without polling", () => {
  const topics = createTopics();
  const scheduler = new ManualScheduler();
  let polls: Poll[];
  let requests: string[];
  let data: ProfData;
  let link: FakeLink;
  const tally = (poll: string, counts: Record<string, number>, seq: number, extra: object = {}) =>
    encodeTally({ poll, counts, total: Object.values(counts).reduce((a, b) => a + b, 0), rejected: 0, rejectedBy: {}, seq, at: scheduler.now(), ...extra });

  beforeEach(async () => {
    polls = [{ ...samplePoll('q1'), state: 'open', openedAt: scheduler.now() }];
    requests = [];
    // The admin API as the hub answers it; its tallies are taken now (seq 1).
    vi.stubGlobal('fetch', async (path: string) => {
      requests.push(path);
      const body = path === '/api/lessons' ? { lessons: [] } : { polls: polls.map((poll) => ({ poll, round: 1, tally: { counts: { IFT1215: 1 }, total: 1, rejected: 0, seq: 1, at: scheduler.now() } })) };
      return new Response(JSON.stringify(body), { status: 200 });
    });
    data = new ProfData();
    link = new FakeLink();
    followLive({ link, topics, data, refresh: () => void data.refresh(), active: () => true });
    link.connect();
    // The broker sends the retained copies on subscribe.
    for (const poll of polls) link.deliver(topics.poll(poll.id), encodePoll(poll), true);
    link.deliver(topics.tally('q1'), tally('q1', { IFT1215: 1 }, 1), true);
    await settle();
    await settle();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('subscribes to the retained polls and tallies, reads on connect, then nothing for ten minutes while nothing changes', async () => {
    expect(link.filters).toEqual([topics.allPolls, topics.allTallies]);
    // The connect's read, and one more for the retained copies that came during it (however many).
    expect(requests).toEqual(['/api/lessons', '/api/polls', '/api/lessons', '/api/polls']);
    requests.length = 0;
    for (let second = 0; second < 600; second += 1) {
      scheduler.advance(1000);
      await settle();
    }
    expect(requests).toEqual([]);
    // The same retained copy again (a reconnect's) is no change: only the reconnect itself reads.
    link.deliver(topics.poll('q1'), encodePoll(polls[0] as Poll), true);
    await settle();
    expect(requests).toEqual([]);
  });

  it('a poll message that changed something (opened elsewhere, by the CLI) brings exactly one read', async () => {
    requests.length = 0;
    const q2: Poll = { ...samplePoll('q2'), state: 'open', openedAt: scheduler.now() };
    polls.push(q2);
    link.deliver(topics.poll('q2'), encodePoll(q2));
    link.deliver(topics.tally('q2'), tally('q2', {}, 0));
    await settle();
    await settle();
    expect(requests).toEqual(['/api/lessons', '/api/polls']);
    expect([...data.snapshot.polls.keys()]).toEqual(['q1', 'q2']);
  });

  it('a tally message moves the bars without a read; an older one does not put older counts back', async () => {
    requests.length = 0;
    const seen: number[] = [];
    data.onChange((snapshot) => seen.push(snapshot.polls.get('q1')?.tally.total ?? -1));
    link.deliver(topics.tally('q1'), tally('q1', { IFT1215: 2, MAT1400: 1 }, 3));
    link.deliver(topics.tally('q1'), tally('q1', { IFT1215: 1, MAT1400: 1 }, 2));
    await settle();
    expect(requests).toEqual([]);
    expect(seen).toEqual([3]);
    expect(data.snapshot.polls.get('q1')?.tally.counts).toEqual({ IFT1215: 2, MAT1400: 1 });
    // Hidden: the retained tally says how many voted, not for what.
    link.deliver(topics.tally('q1'), tally('q1', {}, 4, { total: 4, hidden: true }));
    expect(data.snapshot.polls.get('q1')?.tally).toMatchObject({ total: 4, counts: {}, hidden: true });
    expect(requests).toEqual([]);
  });

  it('reads nothing while signed out', async () => {
    const idle = new FakeLink();
    followLive({ link: idle, topics, data, refresh: () => void data.refresh(), active: () => false });
    requests.length = 0;
    idle.connect();
    idle.deliver(topics.poll('q9'), encodePoll(samplePoll('q9')));
    await settle();
    expect(requests).toEqual([]);
  });
});

describe('tickCountdown', () => {
  it('shows the seconds left in hub time each time they change, down to 0, on the scheduler alone', () => {
    const scheduler = new ManualScheduler(1_000_000);
    const shown: number[] = [];
    let ended = 0;
    // The hub is 2 s ahead of this device; the question closes 3.5 s from now in hub time.
    const deadline = 1_000_000 + 2000 + 3500;
    tickCountdown({ scheduler, deadline, offsetMs: 2000, show: (s) => shown.push(s), onEnd: () => (ended += 1) });
    expect(shown).toEqual([4]);
    scheduler.advance(499);
    expect(shown).toEqual([4]);
    scheduler.advance(1);
    expect(shown).toEqual([4, 3]);
    scheduler.advance(10_000);
    expect(shown).toEqual([4, 3, 2, 1, 0]);
    expect(ended).toBe(1);
    expect(scheduler.pending).toBe(0);
  });

  it('stops when asked', () => {
    const scheduler = new ManualScheduler(0);
    const shown: number[] = [];
    const stop = tickCountdown({ scheduler, deadline: 10_000, offsetMs: 0, show: (s) => shown.push(s) });
    scheduler.advance(1000);
    stop();
    scheduler.advance(10_000);
    expect(shown).toEqual([10, 9]);
  });
});
