import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VoteSender } from '../../../device/outbox/sender.js';
import { SqliteOutboxStore } from '../../../device/outbox/sqlite-store.js';
import { silentLogger } from '../../../runtime/logger.js';
import type { Receipt } from '../../../shared/codecs/receipt.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';
import { captureLogger } from '../helpers/logs.js';

/** The MQTT side, recorded: what was published, and whether we are online. */
class FakeLink {
  connected = true;
  sent: string[] = [];
  publish(_topic: string, payload: string) {
    if (!this.connected) return false;
    this.sent.push(JSON.parse(payload).id as string);
    return true;
  }
}

describe('VoteSender', () => {
  let dir: string;
  let scheduler: ManualScheduler;
  let outbox: SqliteOutboxStore;
  let link: FakeLink;
  let receipts: [string, string][];
  let sender: VoteSender;

  const add = (...ids: string[]) => {
    for (const id of ids) sender.outbox.add({ id, topic: 'classroom/votes/cours', payload: JSON.stringify({ id }), button: `button-of-${id}`, createdAt: 0 });
    sender.kick();
  };
  const receipt = (id: string, status: Receipt['status'] = 'counted'): Receipt =>
    status === 'rejected' ? { id, poll: 'cours', status, reason: 'poll-closed' } : { id, poll: 'cours', status };

  beforeEach(() => {
    // Simulated time (the sender's timers and the store's commit are on the
    // scheduler): what vi.useFakeTimers did before the scheduler was injected.
    scheduler = new ManualScheduler();
    dir = mkdtempSync(join(tmpdir(), 'sender-'));
    outbox = new SqliteOutboxStore({ path: join(dir, 'o.sqlite'), scheduler, logger: silentLogger });
    outbox.start();
    link = new FakeLink();
    receipts = [];
    sender = new VoteSender({
      store: outbox,
      link,
      scheduler,
      logger: silentLogger,
      maxEntries: 1000,
      receiptTimeoutMs: 2_000,
      maxInFlight: 3,
      onReceipt: (entry, r) => receipts.push([entry.button ?? '', r.status]),
    });
    sender.start();
  });
  afterEach(() => {
    sender.stop();
    outbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends oldest first, at most maxInFlight waiting for receipts', () => {
    add('a', 'b', 'c', 'd', 'e');
    scheduler.runNextTurns();
    expect(link.sent).toEqual(['a', 'b', 'c']);
    sender.receipt(receipt('b'));
    scheduler.runNextTurns();
    expect(link.sent).toEqual(['a', 'b', 'c', 'd']);
  });

  it('removes a vote on its receipt, whatever the status, and tells whose button it was', () => {
    add('a', 'b', 'c');
    scheduler.runNextTurns();
    sender.receipt(receipt('a'));
    sender.receipt(receipt('b', 'duplicate'));
    sender.receipt(receipt('c', 'rejected'));
    sender.receipt(receipt('c'));
    expect(outbox.size).toBe(0);
    expect(receipts).toEqual([
      ['button-of-a', 'counted'],
      ['button-of-b', 'duplicate'],
      ['button-of-c', 'rejected'],
    ]);
  });

  it('sends a vote again, same id, when no receipt came within the timeout (a PUBACK is not enough)', () => {
    add('a', 'b');
    scheduler.advance(1_000);
    expect(link.sent).toEqual(['a', 'b']);
    sender.receipt(receipt('b'));
    scheduler.advance(1_500);
    expect(link.sent).toEqual(['a', 'b', 'a']);
    sender.receipt(receipt('a'));
    scheduler.advance(10_000);
    expect(link.sent).toEqual(['a', 'b', 'a']);
    expect(outbox.size).toBe(0);
  });

  it('holds votes while offline and sends them in order on connect', () => {
    link.connected = false;
    add('a', 'b');
    scheduler.advance(5_000);
    expect(link.sent).toEqual([]);
    link.connected = true;
    sender.connected(true);
    scheduler.runNextTurns();
    expect(link.sent).toEqual(['a', 'b']);
  });

  it('resends at once after reconnecting to a broker that lost the session', () => {
    add('a');
    scheduler.runNextTurns();
    sender.connected(true);
    scheduler.runNextTurns();
    expect(link.sent).toEqual(['a']);
    sender.connected(false);
    scheduler.runNextTurns();
    expect(link.sent).toEqual(['a', 'a']);
  });

  it('says once that votes are sent again for want of receipts, and when receipts come back', () => {
    sender.stop();
    const log = captureLogger();
    const logged = new VoteSender({ store: outbox, link, scheduler, logger: log.logger, maxEntries: 1000, receiptTimeoutMs: 2_000, maxInFlight: 3 });
    logged.start();
    for (const id of ['a', 'b']) logged.outbox.add({ id, topic: 'classroom/votes/cours', payload: JSON.stringify({ id }), button: null, createdAt: 0 });
    logged.kick();
    scheduler.runNextTurns();
    scheduler.advance(2_000);
    scheduler.advance(2_000);
    expect(link.sent).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(log.lines.filter((l) => l.includes('sending again with the same id'))).toHaveLength(1);
    expect(log.text()).toContain('2 votes got no receipt within 2000 ms');
    logged.receipt(receipt('a', 'rejected'));
    expect(log.text()).toContain('receipts are arriving again');
    expect(log.text()).toContain('vote a rejected by the server: poll-closed');
    logged.stop();
  });
});
