/**
 * Probe (not part of `npm run bench`): how fast the hub's vote table takes rows as
 * it grows to 1.2M, without MQTT or the rest of the server: the server's own schema
 * (openDatabase: WAL, synchronous=FULL), 500 votes per transaction (one fsync each,
 * as a group commit under load), random UUID vote ids (the `votes_by_id` index is
 * keyed by them). Prints rows/s per 200,000 rows. Issue 17's "flat 10k -> 1M":
 * the server's rate inside the 1M run falls from ~30k to ~17k votes/s; this says how
 * much of that is the store alone.
 *
 *   flock /tmp/mqc-bench.lock node --import tsx bench/probe/vote-store-growth.ts [cache_size]
 *
 * `cache_size`: SQLite's page cache (e.g. -65536 for 64 MB); the default otherwise.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../server/store/database.js';

const cache = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'mqc-store-growth-'));
const db = openDatabase(join(dir, 'votes.sqlite'));
if (cache !== undefined) db.pragma(`cache_size = ${Number(cache)}`);
db.prepare("INSERT INTO polls (id, question, options, policy, state, created_at) VALUES ('p', 'q', '[]', 'every-press', 'open', 0)").run();
const insert = db.prepare(
  'INSERT INTO votes (poll_id, round, vote_id, option, voter, source, ts, received_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
);
type Row = [string, number, string, string, string, string, number, number, number];
const commit = db.transaction((rows: Row[]) => {
  for (const row of rows) insert.run(...row);
});

const total = 1_200_000;
const step = 200_000;
let seq = 0;
let started = performance.now();
for (let stored = 0; stored < total; ) {
  const rows: Row[] = [];
  for (let i = 0; i < 500; i++) rows.push(['p', 1, randomUUID(), 'a', `v${seq % 5000}`, 'device', 0, 0, ++seq]);
  commit(rows);
  stored += rows.length;
  if (stored % step === 0) {
    const now = performance.now();
    console.log(`${stored - step + 1}-${stored}: ${Math.round(step / ((now - started) / 1000))} rows/s (cache_size ${cache ?? 'default'})`);
    started = now;
  }
}
db.close();
rmSync(dir, { recursive: true, force: true });
