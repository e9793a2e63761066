/**
 * The pages' logic that needs no browser: which poll shows, which snapshot wins,
 * the vote outbox, raw-vote counting, /config.json, languages, reconnect delays.
 */
import { describe, expect, it } from 'vitest';
import { parseBrowserConfig } from '../../shared/browser-config.js';
import { encodePoll } from '../../shared/codecs/poll.js';
import { encodeTally } from '../../shared/codecs/tally.js';
import type { JsonVote } from '../../shared/codecs/vote.js';
import { type Poll, samplePoll } from '../../shared/poll.js';
import { breadLabel, parseBreadState, parseCelsius } from '../../web/lib/bread.js';
import { resolveWsUrls } from '../../web/lib/config.js';
import { reconnectDelay } from '../../web/lib/connection.js';
import { STRINGS, pickLang, translator } from '../../web/lib/i18n.js';
import { OutboxMachine } from '../../shared/outbox/machine.js';
import { LocalStorageOutboxStore, MAX_PENDING_AGE_MS, type StorageLike, pendingVote, voteId, voterId } from '../../web/lib/outbox.js';
import { PollBoard, isNewerTally, pickPoll } from '../../web/lib/polls.js';
import { RawCounter, rawSource } from '../../web/lib/raw-votes.js';
import { ManualScheduler } from '../harness/manual-scheduler.js';
import { MemoryStorage } from './fake-storage.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const poll = (id: string, state: Poll['state'], openedAt: number | null): Poll => ({ ...samplePoll(id), state, openedAt });
const snapshot = (seq: number, at: number, counts: Record<string, number> = { IFT1215: seq }) => ({
  poll: 'cours',
  counts,
  total: seq,
  rejected: 0,
  rejectedBy: {},
  seq,
  at,
});

describe('which poll a page shows', () => {
  it.each([
    ['the latest opened open poll', [poll('a', 'open', 10), poll('b', 'open', 20), poll('c', 'closed', 30)], null, 'b'],
    ['the latest opened poll, closed, when none is open', [poll('a', 'closed', 10), poll('b', 'closed', 20)], null, 'b'],
    ['a never opened poll last', [poll('a', 'closed', null), poll('b', 'closed', 5)], null, 'b'],
    ['the pinned poll whatever its state', [poll('a', 'open', 10), poll('b', 'closed', 5)], 'b', 'b'],
    ['nothing when the pinned poll is unknown', [poll('a', 'open', 10)], 'zzz', null],
    ['nothing when there is no poll', [], null, null],
  ])('%s', (_name, polls, pinned, expected) => {
    expect(pickPoll(polls, pinned)?.id ?? null).toBe(expected);
  });

  it('forgets a poll whose retained message is cleared, and ignores one filed under another id', () => {
    const board = new PollBoard();
    expect(board.takePoll('cours', bytes(encodePoll(poll('cours', 'open', 1))))).toBe(true);
    expect(board.takePoll('autre', bytes(encodePoll(poll('cours', 'open', 1))))).toBe(false);
    expect(board.takePoll('cours', bytes('not json'))).toBe(false);
    expect(board.current(null)?.id).toBe('cours');
    expect(board.takePoll('cours', new Uint8Array())).toBe(true);
    expect(board.current(null)).toBeNull();
  });
});

describe('which tally snapshot wins', () => {
  it('keeps the newer one whatever the delivery order', () => {
    const board = new PollBoard();
    expect(board.takeTally('cours', bytes(encodeTally(snapshot(5, 1_000))))).toBe(true);
    expect(board.takeTally('cours', bytes(encodeTally(snapshot(3, 900))))).toBe(false);
    expect(board.takeTally('cours', bytes(encodeTally(snapshot(5, 1_000))))).toBe(false);
    expect(board.tallies.get('cours')?.seq).toBe(5);
    expect(board.takeTally('cours', bytes(encodeTally(snapshot(6, 1_050))))).toBe(true);
    expect(board.tallies.get('cours')?.counts).toEqual({ IFT1215: 6 });
  });

  it('takes a later snapshot with a smaller seq (a server that started its count again)', () => {
    expect(isNewerTally(snapshot(40, 1_000), snapshot(2, 5_000))).toBe(true);
    expect(isNewerTally(snapshot(40, 1_000), snapshot(39, 999))).toBe(false);
  });

  it('ignores a snapshot for another poll or a malformed one', () => {
    const board = new PollBoard();
    expect(board.takeTally('autre', bytes(encodeTally(snapshot(1, 1))))).toBe(false);
    expect(board.takeTally('cours', bytes('{"poll":"cours","counts":{"IFT1215":-1}}'))).toBe(false);
    expect(board.tallies.size).toBe(0);
  });
});

describe('the vote outbox', () => {
  const vote = (id: string, ts = 1_000): JsonVote => ({ id, option: 'IFT1215', voter: 'web-x', source: 'web', ts });
  // The page's outbox is the shared machine over localStorage; its clock is a
  // ManualScheduler (time is injected, where due()/markSent() used to take `now`).
  const pageOutbox = (storage: StorageLike | null, scheduler = new ManualScheduler(0)) =>
    new OutboxMachine({ store: new LocalStorageOutboxStore(storage, 'k'), clock: scheduler, resendAfterMs: 5_000, maxAgeMs: MAX_PENDING_AGE_MS });

  it('keeps votes over a reload until their receipt, and says which are due again', () => {
    const storage = new MemoryStorage();
    const scheduler = new ManualScheduler(0);
    const outbox = pageOutbox(storage, scheduler);
    outbox.add(pendingVote(vote('v1'), 'cours', 'IFT 1215'));
    outbox.add(pendingVote(vote('v2'), 'cours', 'IFT 1215'));
    expect(outbox.due().map((e) => e.vote.id)).toEqual(['v1', 'v2']); // never sent
    scheduler.advance(10_000);
    outbox.markSent('v1');
    scheduler.advance(2_000);
    outbox.markSent('v2');
    scheduler.advance(2_999);
    expect(outbox.due().map((e) => e.vote.id)).toEqual([]);
    scheduler.advance(1);
    expect(outbox.due().map((e) => e.vote.id)).toEqual(['v1']);

    // When a vote was sent is not stored: after a reload every waiting vote is due
    // again (the page also sends them all on connect), counted from 0 sends.
    const reloaded = pageOutbox(storage, scheduler);
    expect(reloaded.all().map((e) => [e.vote.id, reloaded.sends(e.id), e.label])).toEqual([
      ['v1', 0, 'IFT 1215'],
      ['v2', 0, 'IFT 1215'],
    ]);
    expect(reloaded.due().map((e) => e.id)).toEqual(['v1', 'v2']);
    expect(reloaded.settle('v1')?.vote.id).toBe('v1');
    expect(reloaded.settle('v1')).toBeNull();
    expect(pageOutbox(storage).all().map((e) => e.vote.id)).toEqual(['v2']);
  });

  it('drops what it cannot trust in storage, and votes a day old', () => {
    const storage = new MemoryStorage();
    storage.setItem('k', JSON.stringify([{ vote: { id: 'a b', option: 'x', voter: 'v', source: 'web', ts: 1 }, pollId: 'p', label: 'x', sentAt: null, sends: 0 }, 42]));
    expect(pageOutbox(storage).size).toBe(0);
    storage.setItem('k', '{not json');
    expect(pageOutbox(storage).size).toBe(0);
    const outbox = pageOutbox(storage, new ManualScheduler(MAX_PENDING_AGE_MS + 1));
    outbox.add(pendingVote(vote('old', 0), 'p', 'x'));
    outbox.add(pendingVote(vote('new', MAX_PENDING_AGE_MS), 'p', 'x'));
    expect(outbox.expire().map((e) => e.id)).toEqual(['old']);
    expect(outbox.all().map((e) => e.vote.id)).toEqual(['new']);
  });

  it('reads what earlier versions stored (with sentAt and sends)', () => {
    const storage = new MemoryStorage();
    storage.setItem('k', JSON.stringify([{ vote: vote('v1'), pollId: 'cours', label: 'IFT 1215', sentAt: 5, sends: 2 }]));
    expect(pageOutbox(storage).all()).toEqual([pendingVote(vote('v1'), 'cours', 'IFT 1215')]);
  });

  it('still works when storage refuses to write', () => {
    const outbox = pageOutbox({
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    });
    outbox.add(pendingVote(vote('v1'), 'p', 'x'));
    expect(outbox.size).toBe(1);
  });

  it('makes one voter id per browser and vote ids valid in a topic', () => {
    const storage = new MemoryStorage();
    const first = voterId(storage, () => 'web-abc');
    expect(voterId(storage, () => 'web-other')).toBe(first);
    storage.setItem('mqtt-classroom.voter-secret', 'bad id/with slash');
    expect(voterId(storage, () => 'web-fresh')).toBe('web-fresh');
    const id = voteId(1_764_160_000_000, 'r4nd0m');
    expect(id.length).toBeLessThanOrEqual(64);
    expect(id).toMatch(/^[a-z0-9.-]+$/);
    expect(id.endsWith('r4nd0m')).toBe(true);
  });

  it('does not reuse the voter id of earlier versions, which was printed and readable on receipts/+', () => {
    const storage = new MemoryStorage();
    storage.setItem('mqtt-classroom.voter', 'web-shownonscreen');
    expect(voterId(storage, () => 'fresh-secret')).toBe('fresh-secret');
  });
});

describe('raw plain-text votes (course compatibility)', () => {
  it('reads ?topic= and ?options=, else the server VOTE_TOPIC', () => {
    expect(rawSource('?topic=test/phone&options=IFT1215, MAT1400,bad id,IFT1215', null)).toEqual({ topic: 'test/phone', options: ['IFT1215', 'MAT1400'] });
    expect(rawSource('', 'test/phone')).toEqual({ topic: 'test/phone', options: null });
    expect(rawSource('?topic=test/%23', null)).toBeNull();
    expect(rawSource('', null)).toBeNull();
  });

  it('counts like the server: plain ids, JSON votes deduplicated by id, unknown options rejected', () => {
    const counter = new RawCounter({ topic: 'test/phone', options: ['IFT1215', 'MAT1400'] });
    for (const payload of ['IFT1215', ' MAT1400\n', '"IFT1215"', 'PHY1001', '', '{"id":"v1","option":"MAT1400","voter":"z"}', '{"id":"v1","option":"MAT1400","voter":"z"}']) {
      counter.take(bytes(payload), 1_000);
    }
    expect({ ...counter.state.counts }).toEqual({ IFT1215: 2, MAT1400: 2 });
    expect(counter.state.rejected).toBe(2);
    expect({ ...counter.state.rejectedBy }).toEqual({ 'unknown-option': 1, empty: 1 });
  });

  it('gives every new option a bar when the options are not given', () => {
    const counter = new RawCounter({ topic: 'test/phone', options: null });
    for (const payload of ['B', 'A', 'B', 'not/an id']) counter.take(bytes(payload), 1);
    expect(counter.state.poll.options.map((o) => o.id)).toEqual(['B', 'A']);
    expect({ ...counter.state.counts }).toEqual({ B: 2, A: 1 });
    expect(counter.state.rejected).toBe(1);
  });
});

describe('/config.json', () => {
  const base = { wsUrl: null, prefix: 'classroom', voteTopic: null, breadTopic: 'pain/cuisson' };

  it('uses this host at /mqtt, ws: or wss: like the page, when wsUrl is null', () => {
    const config = parseBrowserConfig(base);
    expect(resolveWsUrls(config, 'http://192.168.1.20:8080/vote')).toEqual(['ws://192.168.1.20:8080/mqtt']);
    expect(resolveWsUrls(config, 'https://classe.example/kiosk')).toEqual(['wss://classe.example/mqtt']);
    expect(resolveWsUrls(parseBrowserConfig({ ...base, wsUrl: 'wss://broker:8081/' }), 'http://x/')).toEqual(['wss://broker:8081/']);
    // Several nodes of a cluster: a list, tried in order.
    const nodes = ['ws://10.0.0.5:8080/mqtt', 'ws://10.0.0.6:8080/mqtt'];
    expect(resolveWsUrls(parseBrowserConfig({ ...base, wsUrl: nodes }), 'http://x/')).toEqual(nodes);
    expect(() => parseBrowserConfig({ ...base, wsUrl: [] })).toThrow(/wsUrl needs at least one URL/);
    expect(() => parseBrowserConfig({ ...base, wsUrl: ['ws://a:1/mqtt', 'http://b/'] })).toThrow(/wsUrl "http:\/\/b\/" must look like/);
    expect(() => parseBrowserConfig({ ...base, wsUrl: [1] })).toThrow(/list of them/);
  });

  it.each([
    ['a wsUrl that is not a WebSocket URL', { ...base, wsUrl: 'http://x' }, /wsUrl/],
    ['a prefix with a wildcard', { ...base, prefix: 'class/#' }, /prefix/],
    ['a missing prefix', { ...base, prefix: undefined }, /prefix/],
    ['a bread topic with a wildcard', { ...base, breadTopic: 'pain/+' }, /wildcards/],
    ['an array', [], /not an object/],
  ])('refuses %s', (_name, value, message) => {
    expect(() => parseBrowserConfig(value)).toThrow(message);
  });

  it('keeps the optional browser account and treats an empty vote topic as none', () => {
    expect(parseBrowserConfig({ ...base, voteTopic: '', username: 'voter', password: 'public' })).toEqual({ ...base, username: 'voter', password: 'public' });
  });
});

describe('languages', () => {
  it.each([
    ['?lang=en', ['fr-FR'], 'en'],
    ['?lang=FR', ['en-US'], 'fr'],
    ['?lang=de', ['de-DE', 'en-GB'], 'en'],
    ['', ['de-DE', 'fr-CA', 'en'], 'fr'],
    ['', ['de-DE'], 'fr'],
    ['', [], 'fr'],
  ])('%s with browser languages %j speaks %s', (search, languages, expected) => {
    expect(pickLang(search, languages)).toBe(expected);
  });

  it('has every French string in English too, with the same placeholders', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, french] of Object.entries(STRINGS.fr)) {
      const english = STRINGS.en[key as keyof typeof STRINGS.en];
      expect(english, key).toBeTruthy();
      expect(placeholders(english), key).toEqual(placeholders(french));
    }
  });

  it('counts and formats numbers the way each language does', () => {
    const fr = translator('fr');
    const en = translator('en');
    expect([fr.count('kiosk.votes', 0), fr.count('kiosk.votes', 1), fr.count('kiosk.votes', 2)]).toEqual(['0 vote', '1 vote', '2 votes']);
    expect([en.count('kiosk.votes', 0), en.count('kiosk.votes', 1)]).toEqual(['0 votes', '1 vote']);
    expect(fr.count('kiosk.votes', 5000).replace(/\s/g, ' ')).toBe('5 000 votes');
    expect(fr.number(63.5, 1)).toBe('63,5');
    expect(fr.percent(0.4).replace(/\s/g, ' ')).toBe('40 %');
    expect(en.reason('already-voted')).toBe('you have already voted');
  });
});

describe('the bread topics', () => {
  it('reads states and temperatures as the device sends them', () => {
    expect(parseBreadState(bytes('pre\u0302t\n'))).toBe('prêt'); // decomposed accent
    expect(parseBreadState(bytes('   '))).toBeNull();
    expect(parseCelsius(bytes(' 63.5 '))).toBe(63.5);
    expect(parseCelsius(bytes(''))).toBeNull();
    expect(parseCelsius(bytes('hot'))).toBeNull();
    const tr = translator('fr');
    expect(breadLabel(tr, 'brûlé')).toBe('Brûlé !');
    expect(breadLabel(tr, 'tiède')).toBe('tiède'); // unknown text shown as sent
    expect(breadLabel(tr, null)).toBe('Pas encore de mesure');
  });
});

describe('reconnect delays', () => {
  it('grow from half a second to a cap of 8 s, with jitter in the upper half of each step', () => {
    expect(reconnectDelay(0, () => 0)).toBe(250);
    expect(reconnectDelay(0, () => 0.999)).toBeLessThanOrEqual(500);
    expect(reconnectDelay(3, () => 0)).toBe(2_000);
    expect(reconnectDelay(50, () => 0.999)).toBeLessThanOrEqual(8_000);
    expect(reconnectDelay(50, () => 0)).toBe(4_000);
  });
});
